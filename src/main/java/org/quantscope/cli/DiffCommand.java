// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.quantscope.graph.ModelDiff;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.report.DiffText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quantscope diff A B [--json FILE]}: are two models the same, and if not, how not. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compare two models.",
      "",
      "Compares op counts, nodes only in one, attributes, node order, initializers (type, dims,"
          + " values: how many differ and by how many quantization steps), opsets, inputs and"
          + " outputs. Producer, metadata, value_info and storage fields are notes.",
      "",
      "Exits 0 when the models are identical in nodes and weights, 1 when not, 2 for bad input."
    })
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "A", description = "The first model.")
  Path a;

  @Parameters(index = "1", paramLabel = "B", description = "The second model.")
  Path b;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the diff as JSON ('-': standard output, the text to stderr).")
  Path json;

  @Override
  public Integer call() throws Exception {
    OnnxModel ma = EarlyModel.load(a);
    OnnxModel mb = EarlyModel.load(b);
    Outputs.check(java.util.Arrays.asList(json), ma, mb);
    ModelDiff.Report r = ModelDiff.compare(ma, mb);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter text = JsonOut.text(out, spec.commandLine().getErr(), json);
    for (String line : DiffText.lines(r, a.toString(), b.toString())) {
      text.println(line);
    }
    if (json != null) {
      JsonOut.write(json, JsonDocument.DIFF, r, out);
      JsonOut.wrote(json, text);
    }
    return r.identical() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }
}
