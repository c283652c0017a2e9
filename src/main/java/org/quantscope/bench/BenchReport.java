// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.quantscope.runtime.SampleOrigin;

/**
 * A latency comparison: per model its statistics, the speedup of the candidate at the median, and
 * the machine.
 *
 * @param models reference first, then candidate (or the single model measured)
 * @param speedupP50 reference p50 / candidate p50; null with a single model
 * @param environment the machine and runtime
 * @param warnings e.g. a CPU without VNNI
 * @param samplesFrom where the timed samples came from (null when the caller did not say)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchReport(
    List<LatencyStats> models,
    @JsonProperty("speedup_p50") Double speedupP50,
    Environment environment,
    List<String> warnings,
    @JsonProperty("samples_from") SampleOrigin samplesFrom) {

  /** This report saying where the timed samples came from. */
  public BenchReport withSamplesFrom(SampleOrigin origin) {
    return new BenchReport(models, speedupP50, environment, warnings, origin);
  }
}
