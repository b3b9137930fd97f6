package io.lockstep.spark.ml;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Checks and reads the input columns of {@link LockstepClassifier} and {@link LockstepClassificationModel}:
 * every error names the stage, the Param and the column.
 */
final class Columns {
    private Columns() {}

    /** Fails unless {@code column} exists and is a Vector or an array of numbers. */
    static void checkFeatures(String stage, StructType schema, String column) {
        DataType t = type(stage, "featuresCol", schema, column);
        if (!(t instanceof VectorUDT || t instanceof ArrayType a && a.elementType() instanceof NumericType)) {
            throw new IllegalArgumentException(stage + " param featuresCol: column '" + column + "' has type "
                    + t.simpleString() + ", expected a Vector or array<float>/array<double>");
        }
    }

    /** Fails unless {@code column} exists and is numeric (class indices). */
    static void checkLabel(String stage, StructType schema, String column) {
        DataType t = type(stage, "labelCol", schema, column);
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException(stage + " param labelCol: column '" + column + "' has type "
                    + t.simpleString() + ", expected a numeric type (class indices, e.g. from StringIndexer)");
        }
    }

    /** Fails if an output column would overwrite an existing column. */
    static void checkAbsent(String stage, StructType schema, String param, String column) {
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(stage + " param " + param + ": output column '" + column
                    + "' already exists in the input");
        }
    }

    /** {@code df} with a Vector features column replaced by its values as {@code array<float>}. */
    static Dataset<Row> featuresAsArray(Dataset<Row> df, String column) {
        if (df.schema().apply(column).dataType() instanceof VectorUDT) {
            return df.withColumn(column, org.apache.spark.ml.functions.vector_to_array(col(column), "float32"));
        }
        return df;
    }

    /** The features of one row as floats (a Vector or a numeric array), or null if the value is null. */
    static float[] features(Row row, int index) {
        if (row.isNullAt(index)) {
            return null;
        }
        Object v = row.get(index);
        if (v instanceof Vector vec) {
            double[] d = vec.toArray();
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        scala.collection.Seq<?> seq = (scala.collection.Seq<?>) v;
        float[] out = new float[seq.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = seq.apply(i);
            out[i] = x == null ? Float.NaN : ((Number) x).floatValue();
        }
        return out;
    }

    private static DataType type(String stage, String param, StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(stage + " param " + param + ": column '" + column
                    + "' not found; available columns: " + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(column).dataType();
    }
}
