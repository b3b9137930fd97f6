package io.lockstep.spark.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.model.ModelAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The saved form of a {@link LockstepClassificationModel}, on any Hadoop FileSystem: Spark ML's
 * {@code metadata/} (class, uid, Params, as {@code DefaultParamsWriter} writes it), {@code data/model.zip}
 * (DL4J {@code ModelSerializer}, without updater state) and {@code data/lockstep.json} (model name, shape,
 * training history).
 */
final class ModelFiles {
    private static final String ZIP = "data/model.zip";
    private static final String INFO = "data/lockstep.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {}

    /** The model's description besides its DL4J zip. */
    record Info(String name, ModelAdapter.Kind kind, int numFeatures, int numClasses, TrainingHistory history) {}

    static final class Writer extends MLWriter {
        private final LockstepClassificationModel model;

        Writer(LockstepClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            SparkContext sc = sparkSession().sparkContext();
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sc, scala.Option.apply(null), scala.Option.apply(null));
            ModelAdapter a = model.adapter();
            Info info = new Info(a.name(), a.kind(), a.numFeatures(), a.numClasses(), model.history());
            try {
                FileSystem fs = new Path(path).getFileSystem(sc.hadoopConfiguration());
                try (OutputStream out = fs.create(new Path(path, ZIP), true)) {
                    ModelSerializer.writeModel(a.toDl4j(model.rawParameters()), out, false);
                }
                try (OutputStream out = fs.create(new Path(path, INFO), true)) {
                    out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
            }
        }
    }

    static final class Reader extends MLReader<LockstepClassificationModel> {
        @Override
        public LockstepClassificationModel load(String path) {
            SparkContext sc = sparkSession().sparkContext();
            DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sc,
                    LockstepClassificationModel.class.getName());
            try {
                FileSystem fs = new Path(path).getFileSystem(sc.hadoopConfiguration());
                Info info;
                try (InputStream in = fs.open(new Path(path, INFO))) {
                    info = JSON.readValue(in, Info.class);
                }
                Model net;
                try (InputStream in = fs.open(new Path(path, ZIP))) {
                    net = info.kind() == ModelAdapter.Kind.GRAPH ? ModelSerializer.restoreComputationGraph(in, false)
                            : ModelSerializer.restoreMultiLayerNetwork(in, false);
                }
                ModelAdapter adapter = net instanceof ComputationGraph g
                        ? ModelAdapter.of(info.name(), g.getConfiguration(), info.numFeatures(), info.numClasses())
                        : ModelAdapter.of(info.name(), ((MultiLayerNetwork) net).getLayerWiseConfigurations(),
                                info.numFeatures(), info.numClasses());
                LockstepClassificationModel m = new LockstepClassificationModel(meta.uid(), adapter,
                        net.params().toFloatVector(), info.history());
                meta.getAndSetParams(m, scala.Option.apply(null));
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model from " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
