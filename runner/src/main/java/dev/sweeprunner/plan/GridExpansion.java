package dev.sweeprunner.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cartesian product of a block's axes: one small pure function, first axis varies slowest. */
public final class GridExpansion {
    private GridExpansion() {}

    public static <K, V> List<Map<K, V>> cartesian(Map<K, List<V>> axes) {
        List<Map<K, V>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        for (Map.Entry<K, List<V>> axis : axes.entrySet()) {
            List<Map<K, V>> extended = new ArrayList<>(combinations.size() * axis.getValue().size());
            for (Map<K, V> partial : combinations) {
                for (V value : axis.getValue()) {
                    Map<K, V> next = new LinkedHashMap<>(partial);
                    next.put(axis.getKey(), value);
                    extended.add(next);
                }
            }
            combinations = extended;
        }
        return combinations.stream().map(m -> (Map<K, V>) java.util.Collections.unmodifiableMap(m)).toList();
    }
}
