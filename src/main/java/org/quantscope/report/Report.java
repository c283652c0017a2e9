// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyStats;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.graph.ModelSummary;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * Everything a report says, in one value: who made it and where, the model, the options, the
 * summary figures and verdict, and the full quantization, parity, error-trace and benchmark results
 * (and the auto-exclude search when one ran). The PDF, the PNG and the JSON are all written from
 * it, so they cannot disagree.
 *
 * @param title the report's title
 * @param created when it was made, ISO-8601 in UTC
 * @param quantscopeVersion the version of QuantScope that made it
 * @param environment the machine the figures were measured on
 * @param model the float model
 * @param settings the quantization options (null when an existing int8 model was compared)
 * @param summary the figures a reader looks for first
 * @param quantization per-node results (null when an existing int8 model was compared)
 * @param parity the parity check (null when not run)
 * @param trace the error trace: where the error enters (null when not run; its {@code parity} is
 *     {@code parity})
 * @param bench the latency benchmark (null when not run)
 * @param autoExclude the search for the least to leave in float so that parity passes, made after
 *     this model failed (null when not run); without its int8 model
 * @param runtimeProblems what ONNX Runtime's targets (cpu, web, cuda, mobile) cannot run of the
 *     int8 model, run from a version on, or run on the CPU instead (null for a given int8 model
 *     unless the caller read it: {@link #withRuntimeProblems})
 * @param deployCheck the saturation emulation of check-deploy, when it ran with the report (null
 *     otherwise; see {@link #withDeployCheck})
 */
@JsonPropertyOrder({
  "title",
  "created",
  "quantscope_version",
  "environment",
  "model",
  "settings",
  "summary",
  "quantization",
  "parity",
  "trace",
  "bench",
  "auto_exclude",
  "runtime_problems",
  "deploy_check"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(
    String title,
    String created,
    @JsonProperty("quantscope_version") String quantscopeVersion,
    Environment environment,
    ModelFacts model,
    Settings settings,
    Summary summary,
    QuantizationResult quantization,
    ParityReport parity,
    TraceReport trace,
    BenchReport bench,
    @JsonProperty("auto_exclude") AutoExcludeResult autoExclude,
    @JsonProperty("runtime_problems") List<RuntimeSupport.Problem> runtimeProblems,
    @JsonProperty("deploy_check") DeployCheck deployCheck) {

  /**
   * What check-deploy found on CPUs without VNNI, as the report carries it (its runtime problems
   * are the report's own).
   *
   * @param atRisk true when some node saturates on the samples
   * @param verdict the one-sentence verdict
   * @param saturation the emulation, per node
   * @param alternative the options the verdict recommends and what emulating them gave, or null
   */
  public record DeployCheck(
      boolean atRisk,
      String verdict,
      org.quantscope.deploy.SaturationReport saturation,
      org.quantscope.deploy.Alternative alternative) {
    /** The part of a check-deploy report a report carries. */
    public static DeployCheck of(org.quantscope.deploy.DeployReport d) {
      return new DeployCheck(d.atRisk(), d.verdict(), d.saturation(), d.alternative());
    }
  }

  /** This report with the runtime problems of the int8 model (read by the caller). */
  public Report withRuntimeProblems(List<RuntimeSupport.Problem> problems) {
    return new Report(
        title,
        created,
        quantscopeVersion,
        environment,
        model,
        settings,
        summary,
        quantization,
        parity,
        trace,
        bench,
        autoExclude,
        problems == null ? null : List.copyOf(problems),
        deployCheck);
  }

  /**
   * This report with a check-deploy of its int8 model; its runtime problems fill the report's when
   * the report has none (a given int8 model).
   */
  public Report withDeployCheck(org.quantscope.deploy.DeployReport d) {
    if (d == null) {
      return this;
    }
    Report r = runtimeProblems == null ? withRuntimeProblems(d.runtimeProblems()) : this;
    return new Report(
        r.title,
        r.created,
        r.quantscopeVersion,
        r.environment,
        r.model,
        r.settings,
        r.summary,
        r.quantization,
        r.parity,
        r.trace,
        r.bench,
        r.autoExclude,
        r.runtimeProblems,
        DeployCheck.of(d));
  }

  /** Nodes the summary names, from the error trace: the ones that introduce the most error. */
  public static final int TOP_NODES = 5;

  /** The verdict when parity was checked. */
  public static final String PASSED = "PASSED";

  public static final String FAILED = "FAILED";

  /** The verdict when parity was not checked. */
  public static final String NOT_CHECKED = "NOT CHECKED";

  /**
   * The float model as the report describes it.
   *
   * @param file its file (or the example's name)
   * @param sizeBytes its size: file plus external data, or serialized size for a model in memory
   * @param producer producer name and version
   * @param irVersion ONNX IR version
   * @param opsets domain to version, the default domain as {@code ai.onnx}
   * @param inputs inputs with type and shape
   * @param outputs outputs with type and shape
   * @param nodes number of nodes, subgraphs included
   * @param quantizableNodes number of nodes of a quantizable op type
   * @param subgraphs number of If/Loop/Scan bodies
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelFacts(
      String file,
      @JsonProperty("size_bytes") long sizeBytes,
      String producer,
      @JsonProperty("ir_version") long irVersion,
      Map<String, Long> opsets,
      List<ModelSummary.ValueSummary> inputs,
      List<ModelSummary.ValueSummary> outputs,
      int nodes,
      @JsonProperty("quantizable_nodes") int quantizableNodes,
      int subgraphs) {

    /** The facts of a summarised model of {@code sizeBytes} bytes. */
    public static ModelFacts of(ModelSummary s, long sizeBytes) {
      Map<String, Long> opsets = new LinkedHashMap<>();
      s.opsets().forEach((k, v) -> opsets.put(k.isEmpty() ? "ai.onnx" : k, v));
      return new ModelFacts(
          s.file(),
          sizeBytes,
          (s.producer() + " " + s.producerVersion()).strip(),
          s.irVersion(),
          opsets,
          s.inputs(),
          s.outputs(),
          s.nodeCount(),
          s.quantizable().size(),
          s.subgraphCount());
    }
  }

  /**
   * The quantization options, as ORT names them.
   *
   * @param weightType QInt8 or QUInt8
   * @param perChannel one scale per output channel
   * @param reduceRange 7-bit weights
   * @param opTypes the op types quantized
   * @param nodesToQuantize only these nodes (empty: all)
   * @param nodesToExclude nodes left in float
   * @param extraOptions ORT's extra options that differ from the defaults
   * @param extensions QuantScope's rewrites beyond ORT that were on
   */
  public record Settings(
      @JsonProperty("weight_type") String weightType,
      @JsonProperty("per_channel") boolean perChannel,
      @JsonProperty("reduce_range") boolean reduceRange,
      @JsonProperty("op_types") List<String> opTypes,
      @JsonProperty("nodes_to_quantize") List<String> nodesToQuantize,
      @JsonProperty("nodes_to_exclude") List<String> nodesToExclude,
      @JsonProperty("extra_options") Map<String, String> extraOptions,
      List<String> extensions) {

    /** The settings of these options. */
    public static Settings of(QuantizeOptions o) {
      Map<String, String> extra = new LinkedHashMap<>();
      QuantizeOptions d = QuantizeOptions.DEFAULTS;
      if (o.matMulConstBOnly() != d.matMulConstBOnly()) {
        extra.put("MatMulConstBOnly", Boolean.toString(o.matMulConstBOnly()));
      }
      if (o.weightSymmetric() != null) {
        extra.put("WeightSymmetric", o.weightSymmetric().toString());
      }
      if (o.activationSymmetric()) {
        extra.put("ActivationSymmetric", "true");
      }
      if (o.enableSubgraph()) {
        extra.put("EnableSubgraph", "true");
      }
      if (o.forceQuantizeNoInputCheck()) {
        extra.put("ForceQuantizeNoInputCheck", "true");
      }
      if (!Double.isNaN(o.minimumRealRange())) {
        extra.put("MinimumRealRange", Double.toString(o.minimumRealRange()));
      }
      List<String> ext = new ArrayList<>();
      if (o.extensions().constantWeights()) {
        ext.add("constant-weights");
      }
      if (o.extensions().gemmGeneral()) {
        ext.add("gemm-general");
      }
      if (o.extensions().convPerChannel()) {
        ext.add("conv-per-channel");
      }
      List<String> ops = new ArrayList<>(new TreeSet<>(o.criteria().effectiveOpTypes()));
      return new Settings(
          o.weightType().name(),
          o.perChannel(),
          o.reduceRange(),
          ops,
          List.copyOf(new TreeSet<>(o.nodesToQuantize())),
          List.copyOf(new TreeSet<>(o.nodesToExclude())),
          extra,
          ext);
    }
  }

  /**
   * The figures a reader looks for first. Each is null when the step that gives it did not run.
   *
   * @param verdict {@link #PASSED}, {@link #FAILED} or {@link #NOT_CHECKED}
   * @param candidate the int8 model: its file, or "in memory"
   * @param fp32Bytes size of the float model
   * @param int8Bytes size of the int8 model
   * @param sizeRatio fp32 / int8
   * @param quantizedNodes nodes quantized
   * @param candidateNodes nodes that could have been
   * @param maxAbsDiff parity: max |d|
   * @param meanAbsDiff parity: mean |d|
   * @param absTol the tolerance for the maximum
   * @param meanTol the tolerance for the mean
   * @param decisionFlips parity: samples whose decision changed
   * @param samples parity: number of samples
   * @param fp32Latency latency of the float model, ms
   * @param int8Latency latency of the int8 model, ms
   * @param speedup fp32 p50 / int8 p50
   * @param topNodes error trace: the {@value #TOP_NODES} quantized nodes whose error counts most at
   *     the graph outputs, the largest share first (nodes that make none are not listed)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(
      String verdict,
      String candidate,
      @JsonProperty("fp32_bytes") Long fp32Bytes,
      @JsonProperty("int8_bytes") Long int8Bytes,
      @JsonProperty("size_ratio") Double sizeRatio,
      @JsonProperty("quantized_nodes") Integer quantizedNodes,
      @JsonProperty("candidate_nodes") Integer candidateNodes,
      @JsonProperty("max_abs_diff") Double maxAbsDiff,
      @JsonProperty("mean_abs_diff") Double meanAbsDiff,
      @JsonProperty("abs_tol") Double absTol,
      @JsonProperty("mean_tol") Double meanTol,
      @JsonProperty("decision_flips") Long decisionFlips,
      Long samples,
      @JsonProperty("fp32_latency_ms") Latency fp32Latency,
      @JsonProperty("int8_latency_ms") Latency int8Latency,
      Double speedup,
      @JsonProperty("top_nodes") List<TopNode> topNodes) {}

  /**
   * A quantized node whose error counts at the graph outputs, as the summary names it.
   *
   * @param node its name (or an id such as {@code MatMul#2})
   * @param op its op type
   * @param outputShare its estimated share of the error at the graph outputs, 0 to 1; null when the
   *     trace could not estimate it
   * @param introducedDb the error made at the node, in dB of signal over noise (lower is worse);
   *     null when unknown
   * @param outputSqnrDb SQNR of its output, int8 run against float run, in dB
   */
  public record TopNode(
      String node,
      String op,
      @JsonProperty("output_share") Double outputShare,
      @JsonProperty("introduced_db") Double introducedDb,
      @JsonProperty("output_sqnr_db") Double outputSqnrDb) {

    static TopNode of(NodeError n) {
      return new TopNode(n.node(), n.op(), n.outputShare(), n.introducedDb(), n.outputSqnrDb());
    }

    /**
     * Its figures as the report's text names them: "87.3 % of the output error, 20.1 dB
     * introduced", each part left out when unknown.
     */
    public String figures() {
      List<String> parts = new ArrayList<>();
      if (outputShare != null && !outputShare.isNaN()) {
        parts.add(Figures.share(outputShare) + " of the output error");
      }
      if (introducedDb != null && !introducedDb.isNaN()) {
        parts.add(Figures.db(introducedDb) + " introduced");
      }
      return String.join(", ", parts);
    }
  }

  /**
   * The nodes of a trace that make error, in the trace's order (the largest share of the error at
   * the graph outputs first), at most {@code max}: those with a share above zero, or, where the
   * trace could not estimate a share, those whose error introduced is known and finite. A node that
   * adds no error is not a culprit.
   */
  public static List<NodeError> makingError(TraceReport trace, int max) {
    List<NodeError> out = new ArrayList<>();
    for (NodeError n : trace.nodes()) {
      if (out.size() < max && makesError(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static boolean makesError(NodeError n) {
    if (n.outputShare() != null && !n.outputShare().isNaN()) {
      return n.outputShare() > 0;
    }
    Double d = n.introducedDb();
    return d != null && !d.isNaN() && !d.isInfinite();
  }

  /** Latency percentiles in milliseconds. */
  public record Latency(double p50, double p90, double p99) {
    static Latency of(LatencyStats s) {
      return new Latency(s.p50Ms(), s.p90Ms(), s.p99Ms());
    }
  }

  /**
   * Puts a report together from the results that exist.
   *
   * @param title the title
   * @param created when, ISO-8601 UTC
   * @param version QuantScope's version
   * @param environment the machine
   * @param model the float model's summary
   * @param fp32Bytes its size
   * @param candidate the int8 model's name ("in memory" or its file)
   * @param int8Bytes its size, or -1 if unknown
   * @param options the quantization options, or null when an existing int8 model was given
   * @param quantization what the quantizer did, or null
   * @param parity the parity check, or null
   * @param trace the error trace, or null
   * @param bench the benchmark, or null
   * @param autoExclude the auto-exclude search, or null; its int8 model is not kept
   * @param runtimeProblems what ONNX Runtime's targets cannot run of the int8 model, or null
   */
  public static Report assemble(
      String title,
      String created,
      String version,
      Environment environment,
      ModelSummary model,
      long fp32Bytes,
      String candidate,
      long int8Bytes,
      QuantizeOptions options,
      QuantizationResult quantization,
      ParityReport parity,
      TraceReport trace,
      BenchReport bench,
      AutoExcludeResult autoExclude,
      List<RuntimeSupport.Problem> runtimeProblems) {
    Latency fp32 = null;
    Latency int8 = null;
    Double speedup = null;
    if (bench != null) {
      for (LatencyStats s : bench.models()) {
        if ("reference".equals(s.role())) {
          fp32 = Latency.of(s);
        } else if ("candidate".equals(s.role())) {
          int8 = Latency.of(s);
        }
      }
      speedup = bench.speedupP50();
    }
    Summary summary =
        new Summary(
            parity == null ? NOT_CHECKED : parity.passed() ? PASSED : FAILED,
            candidate,
            fp32Bytes,
            int8Bytes < 0 ? null : int8Bytes,
            int8Bytes > 0 ? (double) fp32Bytes / int8Bytes : null,
            quantization == null ? null : quantization.quantizedCount(),
            quantization == null ? null : quantization.candidateCount(),
            parity == null ? null : parity.maxAbsDiff(),
            parity == null ? null : parity.meanAbsDiff(),
            parity == null ? null : parity.absTol(),
            parity == null ? null : parity.meanTol(),
            parity == null ? null : parity.decisionFlips(),
            parity == null ? null : parity.samples(),
            fp32,
            int8,
            speedup,
            trace == null
                ? null
                : makingError(trace, TOP_NODES).stream().map(TopNode::of).toList());
    return new Report(
        title,
        created,
        version,
        environment,
        ModelFacts.of(model, fp32Bytes),
        options == null ? null : Settings.of(options),
        summary,
        quantization,
        parity,
        trace,
        bench,
        autoExclude == null ? null : autoExclude.withOutput(null),
        runtimeProblems == null ? null : List.copyOf(runtimeProblems),
        null);
  }
}
