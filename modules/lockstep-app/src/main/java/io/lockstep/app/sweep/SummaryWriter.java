package io.lockstep.app.sweep;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.lockstep.app.sweep.SummaryColumns.Column;
import io.lockstep.app.sweep.SummaryColumns.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.lockstep.spark.run.ParquetFile;
import io.lockstep.spark.run.Runner;

/**
 * Rebuilds summary.csv and summary.parquet from every run's result.json (so a resumed sweep's summary
 * has the earlier runs too): one row per run, the {@link SummaryColumns#FIXED} columns, then one
 * {@code p_<key>} column per swept key. summary.parquet is a single Parquet file (Spark writes one
 * partition to a temporary directory; its part file is renamed).
 */
final class SummaryWriter {
    private final SweepDir dir;

    SummaryWriter(SweepDir dir) {
        this.dir = dir;
    }

    /** Writes both files; returns the number of rows. Runs of the plan come first, in plan order. */
    int write(List<PlannedRun> plan, List<String> sweptKeys, Runner runner) throws IOException {
        List<Map<String, Object>> results = results(plan);
        List<String> keys = new ArrayList<>(sweptKeys);
        for (Map<String, Object> r : results) {
            params(r).keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        List<Column> columns = new ArrayList<>(SummaryColumns.FIXED);
        for (String key : keys) {
            columns.add(new Column(SummaryColumns.param(key), inferType(key, results)));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : results) {
            List<Object> row = new ArrayList<>();
            SummaryColumns.FIXED.forEach(c -> row.add(r.get(c.name())));
            keys.forEach(k -> row.add(params(r).get(k)));
            rows.add(row);
        }
        writeCsv(columns, rows);
        writeParquet(columns, rows, runner);
        return rows.size();
    }

    private List<Map<String, Object>> results(List<PlannedRun> plan) throws IOException {
        Map<Path, Map<String, Object>> byFile = new LinkedHashMap<>();
        for (PlannedRun run : plan) {
            if (dir.isDone(run.name())) {
                Path f = dir.runDir(run.name()).resolve(SweepDir.RESULT);
                byFile.put(f, dir.readResult(f));
            }
        }
        for (Path f : dir.resultFiles()) {
            if (!byFile.containsKey(f)) {
                byFile.put(f, dir.readResult(f));
            }
        }
        return new ArrayList<>(byFile.values());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(Map<String, Object> result) {
        Object p = result.get("params");
        return p instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Swept values are kept as given (text); Parquet gets the narrowest type that holds every value. */
    private static Type inferType(String key, List<Map<String, Object>> results) {
        List<String> values = results.stream().map(r -> params(r).get(key)).filter(v -> v != null)
                .map(String::valueOf).toList();
        if (values.isEmpty()) {
            return Type.STRING;
        }
        if (values.stream().allMatch(v -> v.matches("-?\\d{1,18}"))) {
            return Type.LONG;
        }
        if (values.stream().allMatch(SummaryWriter::isDouble)) {
            return Type.DOUBLE;
        }
        return values.stream().allMatch(v -> v.equals("true") || v.equals("false")) ? Type.BOOLEAN : Type.STRING;
    }

    private static boolean isDouble(String v) {
        try {
            Double.parseDouble(v);
            return !v.isBlank() && Character.isDigit(v.charAt(v.length() - 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void writeCsv(List<Column> columns, List<List<Object>> rows) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.forEach(c -> schema.addColumn(c.name()));
        Path tmp = dir.root().resolve(SweepDir.SUMMARY_CSV + ".tmp");
        try (SequenceWriter w = new CsvMapper().writer(schema.build().withHeader()).writeValues(tmp.toFile())) {
            for (List<Object> row : rows) {
                w.write(row.stream().map(v -> v == null ? "" : v).toList()); // an empty cell, not a dropped one
            }
        }
        Files.move(tmp, dir.root().resolve(SweepDir.SUMMARY_CSV), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeParquet(List<Column> columns, List<List<Object>> rows, Runner runner) throws IOException {
        List<Object[]> converted = new ArrayList<>();
        for (List<Object> row : rows) {
            Object[] values = new Object[row.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = convert(row.get(i), columns.get(i).type());
            }
            converted.add(values);
        }
        ParquetFile.write(runner, columns.stream().map(Column::name).toList(),
                columns.stream().<Class<?>>map(c -> javaType(c.type())).toList(), converted,
                dir.root().resolve(SweepDir.SUMMARY_PARQUET));
    }

    private static Class<?> javaType(Type t) {
        return switch (t) {
            case STRING -> String.class;
            case LONG -> Long.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
        };
    }

    private static Object convert(Object v, Type t) {
        if (v == null) {
            return null;
        }
        return switch (t) {
            case STRING -> String.valueOf(v);
            case LONG -> v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
            case DOUBLE -> v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
            case BOOLEAN -> v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v));
        };
    }
}
