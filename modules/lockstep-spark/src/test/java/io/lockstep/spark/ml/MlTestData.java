package io.lockstep.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A local[2] session and a learnable synthetic table: 3 Gaussian blobs in 4 numeric columns, string labels. */
final class MlTestData {
    static final String[] FEATURES = {"x0", "x1", "x2", "x3"};
    static final String[] SPECIES = {"setosa", "versicolor", "virginica"};

    private MlTestData() {}

    static SparkSession session(String name) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * {@code n} rows: x0..x3 (double), species (string) and label (int class index, = species index). Class
     * centers about 5.7 apart with unit noise: separable to well above 90%, chance is 1/3.
     */
    static Dataset<Row> blobs(SparkSession spark, int n, long seed, int partitions) {
        Random rng = new Random(seed);
        double[][] centers = {{0, 0, 0, 0}, {4, 0, 4, 0}, {0, 4, 0, 4}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int y = rng.nextInt(3);
            Object[] v = new Object[6];
            for (int j = 0; j < 4; j++) {
                v[j] = centers[y][j] + rng.nextGaussian();
            }
            v[4] = SPECIES[y];
            v[5] = y;
            rows.add(RowFactory.create(v));
        }
        List<StructField> fields = new ArrayList<>();
        for (String f : FEATURES) {
            fields.add(DataTypes.createStructField(f, DataTypes.DoubleType, false));
        }
        fields.add(DataTypes.createStructField("species", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        return spark.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new))).repartition(partitions)
                .sortWithinPartitions("x0").cache();
    }
}
