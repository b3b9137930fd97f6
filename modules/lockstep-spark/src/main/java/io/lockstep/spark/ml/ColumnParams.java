package io.lockstep.spark.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column Params that the classifier and its fitted model share (same names, so that {@code copyValues}
 * carries them from one to the other), with Spark ML's default column names. The owner exposes each as a
 * public method, which is how Spark ML finds Params.
 */
final class ColumnParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> featuresCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> rawPredictionCol;
    final IntParam scoreBatch;

    ColumnParams(Params owner) {
        featuresCol = new Param<>(owner, "featuresCol", "features column: a Vector or an array<float>/array<double>");
        predictionCol = new Param<>(owner, "predictionCol", "output: the predicted class index (double)");
        probabilityCol = new Param<>(owner, "probabilityCol", "output: the class probabilities (softmax, Vector)");
        rawPredictionCol = new Param<>(owner, "rawPredictionCol",
                "output: the natural log of the class probabilities (Vector; argmax = prediction)");
        scoreBatch = new IntParam(owner, "scoreBatch", "rows per forward pass when scoring");
        owner.setDefault(featuresCol, "features");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(rawPredictionCol, "rawPrediction");
        owner.setDefault(scoreBatch, 256);
    }
}
