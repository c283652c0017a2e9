// SPDX-License-Identifier: Apache-2.0
import java.nio.file.Files;
import java.nio.file.Path;
import org.quantscope.model.ExampleModel;

/**
 * Writes QuantScope's built-in example model to a file, for packaging/test-deb.sh to open it
 * from the file system. Runs on the installed app's jars:
 *
 * <pre>
 * java -cp '/opt/quantscope/lib/app/quantscope.jar:/opt/quantscope/lib/app/lib/*' \
 *     packaging/linux/WriteExampleModel.java example.onnx
 * </pre>
 */
public final class WriteExampleModel {
  private WriteExampleModel() {}

  public static void main(String[] args) throws Exception {
    Files.write(Path.of(args[0]), ExampleModel.build().toByteArray());
  }
}
