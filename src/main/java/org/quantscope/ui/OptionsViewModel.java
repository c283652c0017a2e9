// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;
import org.quantscope.onnx.ModelProto;
import org.quantscope.parity.Metric;
import org.quantscope.parity.ParityOptions;
import org.quantscope.quantize.OpQuantizers;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Recipe;

/**
 * The settings of a run, as the Options panel edits them: quantization (ORT's and QuantScope's),
 * parity tolerances, where samples come from, benchmark runs. Text fields are validated as the user
 * types; each has a problem property that is empty when the value is fine.
 */
public final class OptionsViewModel {
  /** Where samples come from. */
  public enum SampleSource {
    /** Made up from the model's inputs. */
    SYNTHETIC,
    /** A CSV, .npy/.npz file or test-data folder. */
    FILE,
    /** Text, one per line, tokenized by the model's tokenizer.json. */
    TEXT,
    /** The rows that come with the built-in example. */
    EXAMPLE
  }

  private final Settings settings;

  // Properties: quantization

  private final ObjectProperty<Recipe> recipe =
      new SimpleObjectProperty<>(this, "recipe", Recipe.ORT_DEFAULT);
  private ModelProto model;
  private final ObjectProperty<QuantType> weightType =
      new SimpleObjectProperty<>(this, "weightType", QuantType.QInt8);
  private final BooleanProperty perChannel = new SimpleBooleanProperty(this, "perChannel");
  private final BooleanProperty reduceRange = new SimpleBooleanProperty(this, "reduceRange");
  private final Map<String, BooleanProperty> opTypes = new LinkedHashMap<>();
  private final ObservableSet<String> excluded = FXCollections.observableSet(new LinkedHashSet<>());
  private final BooleanProperty constantWeights =
      new SimpleBooleanProperty(this, "constantWeights");
  private final BooleanProperty gemmGeneral = new SimpleBooleanProperty(this, "gemmGeneral");
  private final BooleanProperty convPerChannel = new SimpleBooleanProperty(this, "convPerChannel");
  private final BooleanProperty enableSubgraph = new SimpleBooleanProperty(this, "enableSubgraph");

  // Properties: parity, samples, benchmark (text, validated)

  private final OptionField absTol =
      new OptionField("absTol", "0.04", OptionField.Kind.NON_NEGATIVE);
  private final OptionField meanTol =
      new OptionField("meanTol", "0.01", OptionField.Kind.NON_NEGATIVE);
  private final OptionField threshold =
      new OptionField("threshold", "0.5", OptionField.Kind.NUMBER);
  private final OptionField samples =
      new OptionField("samples", "100", OptionField.Kind.POSITIVE_INT);
  private final OptionField seed = new OptionField("seed", "0", OptionField.Kind.INTEGER);
  private final OptionField batch = new OptionField("batch", "", OptionField.Kind.BATCH);
  private final ObjectProperty<Metric> metric =
      new SimpleObjectProperty<>(this, "metric", Metric.ABS);
  private final OptionField metricTol =
      new OptionField("metricTol", String.valueOf(ParityOptions.COSINE_TOL), OptionField.Kind.UNIT);
  private final OptionField benchRuns =
      new OptionField("benchRuns", "50", OptionField.Kind.POSITIVE_INT);
  private final OptionField benchThreads =
      new OptionField("benchThreads", "0", OptionField.Kind.NON_NEGATIVE_INT);
  private final ObjectProperty<SampleSource> sampleSource =
      new SimpleObjectProperty<>(this, "sampleSource", SampleSource.SYNTHETIC);
  private final ObjectProperty<Path> sampleFile = new SimpleObjectProperty<>(this, "sampleFile");
  private final ObjectProperty<Path> textFile = new SimpleObjectProperty<>(this, "textFile");
  private final ObjectProperty<Path> tokenizerFile =
      new SimpleObjectProperty<>(this, "tokenizerFile");
  private final BooleanBinding valid;

  public OptionsViewModel(Settings settings) {
    this.settings = settings;
    for (String op : new TreeSet<>(OpQuantizers.opTypes())) {
      opTypes.put(op, new SimpleBooleanProperty(this, op, true));
    }
    valid =
        Bindings.createBooleanBinding(
            () ->
                absTol.isValid()
                    && meanTol.isValid()
                    && threshold.isValid()
                    && samples.isValid()
                    && seed.isValid()
                    && batch.isValid()
                    && (metric.get() == Metric.ABS || metricTol.isValid())
                    && benchRuns.isValid()
                    && benchThreads.isValid()
                    && opTypes.values().stream().anyMatch(BooleanProperty::get)
                    && (sampleSource.get() != SampleSource.FILE || sampleFile.get() != null)
                    && (sampleSource.get() != SampleSource.TEXT || textFile.get() != null),
            absTol.problemProperty(),
            meanTol.problemProperty(),
            threshold.problemProperty(),
            samples.problemProperty(),
            seed.problemProperty(),
            batch.problemProperty(),
            metric,
            metricTol.problemProperty(),
            benchRuns.problemProperty(),
            benchThreads.problemProperty(),
            sampleSource,
            sampleFile,
            textFile);
    opTypes.values().forEach(p -> valid.invalidate());
    opTypes.values().forEach(p -> p.addListener((o, a, b) -> valid.invalidate()));
    load();
    recipe.addListener((o, a, b) -> applyRecipe());
  }

  /**
   * The recipe the quantization starts from ({@code --recipe}): choosing one sets the switches it
   * decides (weight type, per channel, reduce range, subgraphs); its other settings
   * (WeightSymmetric, ActivationSymmetric, MatMulConstBOnly) are taken from it when a run starts.
   * The switches changed afterwards win, as flags after {@code --recipe} do.
   */
  public ObjectProperty<Recipe> recipeProperty() {
    return recipe;
  }

  public ObjectProperty<QuantType> weightTypeProperty() {
    return weightType;
  }

  public BooleanProperty perChannelProperty() {
    return perChannel;
  }

  public BooleanProperty reduceRangeProperty() {
    return reduceRange;
  }

  /** One switch per op type of ORT's dynamic registry. */
  public Map<String, BooleanProperty> opTypes() {
    return opTypes;
  }

  /** Nodes the user left in float (names or node ids): ORT's nodes_to_exclude. */
  public ObservableSet<String> excluded() {
    return excluded;
  }

  public BooleanProperty constantWeightsProperty() {
    return constantWeights;
  }

  public BooleanProperty gemmGeneralProperty() {
    return gemmGeneral;
  }

  public BooleanProperty convPerChannelProperty() {
    return convPerChannel;
  }

  public BooleanProperty enableSubgraphProperty() {
    return enableSubgraph;
  }

  public OptionField absTol() {
    return absTol;
  }

  public OptionField meanTol() {
    return meanTol;
  }

  public OptionField threshold() {
    return threshold;
  }

  public OptionField samples() {
    return samples;
  }

  public OptionField seed() {
    return seed;
  }

  public OptionField benchRuns() {
    return benchRuns;
  }

  public OptionField benchThreads() {
    return benchThreads;
  }

  public ObjectProperty<SampleSource> sampleSourceProperty() {
    return sampleSource;
  }

  public ObjectProperty<Path> sampleFileProperty() {
    return sampleFile;
  }

  /** The text file for {@link SampleSource#TEXT}: one text per line. */
  public ObjectProperty<Path> textFileProperty() {
    return textFile;
  }

  /** The tokenizer.json for {@link SampleSource#TEXT}; null for the one beside the model. */
  public ObjectProperty<Path> tokenizerFileProperty() {
    return tokenizerFile;
  }

  /** True when every field holds a valid value and a run can start. */
  public BooleanBinding validProperty() {
    return valid;
  }

  // Commands

  /** The quantization options these settings give. */
  public QuantizeOptions quantizeOptions() {
    Set<String> ops = new LinkedHashSet<>();
    opTypes.forEach(
        (op, on) -> {
          if (on.get()) {
            ops.add(op);
          }
        });
    boolean all = ops.size() == opTypes.size();
    return recipeOptions().toBuilder()
        .weightType(weightType.get())
        .perChannel(perChannel.get())
        .reduceRange(reduceRange.get())
        .opTypes(all ? Set.of() : ops)
        .nodesToExclude(Set.copyOf(excluded))
        .enableSubgraph(enableSubgraph.get())
        .extensions(
            new QuantizeOptions.Extensions(
                constantWeights.get(), convPerChannel.get(), gemmGeneral.get()))
        .build();
  }

  /** The recipe's options for the open model (the example's or none: its model-free ones). */
  private QuantizeOptions recipeOptions() {
    Recipe r = recipe.get() == null ? Recipe.ORT_DEFAULT : recipe.get();
    return r.options(model == null ? ModelProto.getDefaultInstance() : model);
  }

  /** Sets the switches the recipe decides, for the open model. */
  private void applyRecipe() {
    QuantizeOptions o = recipeOptions();
    weightType.set(o.weightType());
    perChannel.set(o.perChannel());
    reduceRange.set(o.reduceRange());
    enableSubgraph.set(o.enableSubgraph());
  }

  public ParityOptions parityOptions() {
    ParityOptions o =
        new ParityOptions(
            absTol.asDouble(), meanTol.asDouble(), threshold.asDouble(), Set.of(), 40);
    return metric.get() == Metric.ABS ? o : o.withMetric(metric.get(), metricTol.asDouble());
  }

  /** What the verdict judges: |d| (the seed's), the rows' cosine, or top-1 decisions. */
  public ObjectProperty<Metric> metricProperty() {
    return metric;
  }

  /** The cosine or top-1 tolerance (from 0 to 1); unused for |d|. */
  public OptionField metricTol() {
    return metricTol;
  }

  public int sampleCount() {
    return (int) samples.asLong();
  }

  public long seedValue() {
    return seed.asLong();
  }

  /** Rows per run, empty for the samples' own grouping (a file as stored, made up one per run). */
  public OptionField batch() {
    return batch;
  }

  /** Rows per run ({@code Batches.ALL} for all), or null for the samples' own grouping. */
  public Integer batchRows() {
    return batch.asBatch();
  }

  public int benchRunCount() {
    return (int) benchRuns.asLong();
  }

  public int benchThreadCount() {
    return (int) benchThreads.asLong();
  }

  /**
   * A new model was opened: its node names are new, so exclusions and the sample file go; the
   * example brings its own sample rows.
   */
  public void modelChanged(boolean isExample) {
    modelChanged(isExample, null);
  }

  /**
   * As {@link #modelChanged(boolean)}, with the model itself: the settings of a recipe that depend
   * on the model (transformers.js' weight type for Conv models, Optimum's subgraphs) are set anew.
   */
  public void modelChanged(boolean isExample, ModelProto opened) {
    model = opened;
    if (recipe.get() != null && recipe.get() != Recipe.ORT_DEFAULT) {
      applyRecipe();
    }
    excluded.clear();
    sampleFile.set(null);
    textFile.set(null);
    tokenizerFile.set(null);
    if (isExample) {
      sampleSource.set(SampleSource.EXAMPLE);
    } else if (sampleSource.get() != SampleSource.SYNTHETIC) {
      sampleSource.set(SampleSource.SYNTHETIC);
    }
  }

  /** Stores the settings for the next start. */
  public void save() {
    settings.put("recipe", recipe.get() == null ? "" : recipe.get().id());
    settings.put("weightType", weightType.get().name());
    settings.put("metric", metric.get().name());
    settings.put("perChannel", Boolean.toString(perChannel.get()));
    settings.put("reduceRange", Boolean.toString(reduceRange.get()));
    settings.put("constantWeights", Boolean.toString(constantWeights.get()));
    settings.put("gemmGeneral", Boolean.toString(gemmGeneral.get()));
    settings.put("convPerChannel", Boolean.toString(convPerChannel.get()));
    settings.put("enableSubgraph", Boolean.toString(enableSubgraph.get()));
    for (OptionField f : fields()) {
      if (f.isValid()) {
        settings.put(f.key(), f.textProperty().get().trim());
      }
    }
    opTypes.forEach((op, on) -> settings.put("op." + op, Boolean.toString(on.get())));
  }

  private void load() {
    recipe.set(Recipe.named(settings.get("recipe", "ort-default")).orElse(Recipe.ORT_DEFAULT));
    try {
      metric.set(Metric.valueOf(settings.get("metric", "ABS")));
    } catch (IllegalArgumentException e) {
      metric.set(Metric.ABS);
    }
    try {
      weightType.set(QuantType.valueOf(settings.get("weightType", "QInt8")));
    } catch (IllegalArgumentException e) {
      weightType.set(QuantType.QInt8);
    }
    perChannel.set(settings.getBoolean("perChannel", false));
    reduceRange.set(settings.getBoolean("reduceRange", false));
    constantWeights.set(settings.getBoolean("constantWeights", false));
    gemmGeneral.set(settings.getBoolean("gemmGeneral", false));
    convPerChannel.set(settings.getBoolean("convPerChannel", false));
    enableSubgraph.set(settings.getBoolean("enableSubgraph", false));
    for (OptionField f : fields()) {
      f.textProperty().set(settings.get(f.key(), f.textProperty().get()));
    }
    opTypes.forEach((op, on) -> on.set(settings.getBoolean("op." + op, true)));
  }

  private OptionField[] fields() {
    return new OptionField[] {
      absTol, meanTol, threshold, samples, seed, batch, metricTol, benchRuns, benchThreads
    };
  }

  @Override
  public String toString() {
    return "OptionsViewModel[" + quantizeOptions().toString().toLowerCase(Locale.ROOT) + "]";
  }
}
