package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.data.DataException;
import io.lockstep.fuzz.FuzzContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fuzz target of a table's column validation ({@link SqlTables} before its validating aggregation): any schema
 * (column names and types; parquet: duplicates included, csv: unique as Spark's reader makes them) and any
 * label/features selection end in a checked
 * {@link SqlTables.Selection} or a one-line {@link DataException} naming the table. Parquet: the file's schema is
 * checked as is; CSV: every header column is a string, typed as the selection says, then checked. The values
 * themselves are validated by a Spark aggregation, not fuzzed here (no Spark in a fuzz loop).
 *
 * <p>A valid selection must hold: the label exists and is numeric; the array column exists, is not the label and
 * holds numbers; or the feature columns are non-empty, distinct, exist, are numeric and exclude the label.
 * Inputs: {@link FuzzedDataProvider} bytes, see {@code SqlTablesSelectionFuzzTestInputs/select/}.
 */
class SqlTablesSelectionFuzzTest {
    private static final String PATH = "file:///fuzz/table";
    private static final DataType[] TYPES = {DataTypes.IntegerType, DataTypes.LongType, DataTypes.DoubleType,
        DataTypes.FloatType, DataTypes.ShortType, DataTypes.ByteType, DataTypes.createDecimalType(10, 2),
        DataTypes.StringType, DataTypes.BooleanType, DataTypes.DateType, DataTypes.BinaryType,
        DataTypes.createArrayType(DataTypes.FloatType), DataTypes.createArrayType(DataTypes.DoubleType),
        DataTypes.createArrayType(DataTypes.IntegerType), DataTypes.createArrayType(DataTypes.StringType),
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)),
        DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType),
        DataTypes.createStructType(List.of(DataTypes.createStructField("x", DataTypes.FloatType, true))),
        DataTypes.NullType};

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void select(FuzzedDataProvider in) {
        boolean csv = in.consumeBoolean();
        List<String> names = new ArrayList<>();
        List<StructField> fields = new ArrayList<>();
        Set<String> lowerCase = new HashSet<>();
        for (int i = in.consumeInt(0, 10); i > 0; i--) {
            String name = in.consumeString(8);
            if (csv && !lowerCase.add(name.toLowerCase(Locale.ROOT))) {
                continue; // Spark's CSV reader makes header names unique (case-insensitively) before we see them
            }
            names.add(name);
            DataType t = csv ? DataTypes.StringType : TYPES[in.consumeInt(0, TYPES.length - 1)];
            fields.add(DataTypes.createStructField(name, t, in.consumeBoolean()));
        }
        StructType schema = new StructType(fields.toArray(StructField[]::new)); // duplicate names allowed, as in files
        String label = in.consumeBoolean() ? null : column(in, names);
        boolean arrayMode = !csv && in.consumeBoolean();
        String featuresCol = arrayMode ? column(in, names) : null;
        List<String> featureCols = null;
        if (!arrayMode) {
            featureCols = new ArrayList<>();
            for (int i = in.consumeInt(0, 4); i > 0; i--) {
                String c = column(in, names);
                featureCols.add(in.consumeBoolean() ? c.substring(0, in.consumeInt(0, c.length())) + "*" : c);
            }
        }
        String fc = featuresCol;
        List<String> fcs = featureCols;
        StructType[] checked = new StructType[1];
        SqlTables.Selection sel = FuzzContract.check(DataException.class, List.of(PATH), () -> {
            SqlTables.Selection s = SqlTables.Selection.resolve(PATH, schema, label, fc, fcs);
            checked[0] = csv ? SqlTables.typedCsvSchema(schema, s) : schema;
            s.checkTypes(PATH, checked[0]);
            return s;
        });
        if (sel != null) {
            assertValid(sel, checked[0], label, featuresCol);
        }
    }

    /** A column of the schema (most of the time) or any text. */
    private static String column(FuzzedDataProvider in, List<String> names) {
        return names.isEmpty() || in.consumeInt(0, 3) == 0 ? in.consumeString(8)
                : names.get(in.consumeInt(0, names.size() - 1));
    }

    private static void assertValid(SqlTables.Selection sel, StructType schema, String label, String featuresCol) {
        List<String> names = List.of(schema.fieldNames());
        assertEquals(label, sel.label());
        if (label != null) {
            assertTrue(names.contains(label) && numeric(schema, label), "label column exists and is numeric");
        }
        if (featuresCol != null) {
            assertEquals(featuresCol, sel.array());
            assertNotEquals(label, featuresCol);
            DataType t = schema.apply(featuresCol).dataType();
            assertTrue(t instanceof ArrayType a && a.elementType() instanceof NumericType, "array of numbers: " + t);
            return;
        }
        assertFalse(sel.columns().isEmpty(), "at least one feature column");
        assertEquals(sel.columns().size(), new HashSet<>(sel.columns()).size(), "distinct feature columns");
        for (String c : sel.columns()) {
            assertTrue(names.contains(c) && !c.equals(label) && numeric(schema, c), "feature column " + c);
        }
    }

    private static boolean numeric(StructType schema, String column) {
        return schema.apply(column).dataType() instanceof NumericType;
    }
}
