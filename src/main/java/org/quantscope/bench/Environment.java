// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.quantscope.runtime.OrtRuntime;

/**
 * The machine a measurement ran on: CPU model, cores, the instruction-set features that decide int8
 * speed (AVX2, AVX-512, VNNI, AMX), ONNX Runtime and Java versions, threads.
 *
 * @param cpuModel e.g. "AMD EPYC 7B13"
 * @param cores logical processors available to the JVM
 * @param flags the int8-relevant CPU features present (avx2, avx512f, avx512_vnni, avx_vnni,
 *     amx_int8, ...)
 * @param vnni whether the CPU has a VNNI dot-product instruction for int8
 * @param ortVersion ONNX Runtime version
 * @param javaVersion Java version
 * @param os operating system and architecture
 * @param intraOpThreads threads per operator asked for (0: ORT's default)
 */
public record Environment(
    @JsonProperty("cpu_model") String cpuModel,
    int cores,
    List<String> flags,
    boolean vnni,
    @JsonProperty("ort_version") String ortVersion,
    @JsonProperty("java_version") String javaVersion,
    String os,
    @JsonProperty("intra_op_threads") int intraOpThreads) {

  /** The features worth reporting for int8 inference. */
  static final Set<String> RELEVANT =
      Set.of(
          "sse4_1",
          "avx",
          "avx2",
          "fma",
          "f16c",
          "avx512f",
          "avx512bw",
          "avx512vl",
          "avx512_vnni",
          "avx_vnni",
          "avx512_bf16",
          "amx_int8",
          "amx_bf16",
          "amx_tile",
          "asimd",
          "asimddp",
          "i8mm");

  /** Reads the current machine. */
  public static Environment detect(String ortVersion, int intraOpThreads) {
    String model = "unknown";
    Set<String> flags = new TreeSet<>();
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      try {
        for (String line : Files.readAllLines(cpuinfo)) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            continue;
          }
          String key = line.substring(0, colon).trim();
          String value = line.substring(colon + 1).trim();
          if (key.equals("model name") && model.equals("unknown")) {
            model = value;
          } else if (key.equals("flags") || key.equals("Features")) {
            for (String f : value.split("\\s+")) {
              if (RELEVANT.contains(f.toLowerCase(Locale.ROOT))) {
                flags.add(f.toLowerCase(Locale.ROOT));
              }
            }
          }
        }
      } catch (IOException e) {
        // leave what we have
      }
    }
    boolean vnni =
        flags.contains("avx512_vnni") || flags.contains("avx_vnni") || flags.contains("asimddp");
    return new Environment(
        model,
        Runtime.getRuntime().availableProcessors(),
        new ArrayList<>(flags),
        vnni,
        ortVersion,
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        intraOpThreads);
  }

  /**
   * The warning ORT's own documentation implies for x86 CPUs without VNNI, or null: int8 may be
   * slower than fp32, and u8 x s8 kernels can saturate (reduce_range or QUInt8 avoid it).
   */
  public String int8Warning() {
    boolean x86 = flags.contains("avx2") || flags.contains("avx") || flags.contains("sse4_1");
    if (!x86 || vnni) {
      return null;
    }
    return "this CPU has no VNNI (AVX512_VNNI / AVX_VNNI): int8 MatMul can be slower than fp32,"
        + " and ONNX Runtime's u8 x s8 kernels can saturate, costing accuracy; quantizing with"
        + " --reduce-range or --weight-type QUInt8 avoids the saturation";
  }

  /**
   * The notes every int8 result on this machine carries: {@link #int8Warning()} unless the sessions
   * turn on {@code session.x64quantprecision}, which avoids the saturation.
   */
  public List<String> int8Notes(OrtRuntime.SessionConfig sessions) {
    String w = int8Warning();
    return w == null || sessions.x64QuantPrecision() ? List.of() : List.of(w);
  }

  /** {@link #int8Notes} of this machine, read now. */
  public static List<String> detectInt8Notes(OrtRuntime.SessionConfig sessions) {
    return detect(OrtRuntime.version(), sessions.intraOpThreads()).int8Notes(sessions);
  }
}
