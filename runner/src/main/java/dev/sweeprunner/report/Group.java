package dev.sweeprunner.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sweeprunner.spec.ConfigHash;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Trials that differ only in seed (or fold): one configuration measured n times. Only completed
 * trials are members; a failed run says nothing about the configuration's accuracy.
 */
public record Group(String id, Map<String, Object> config, List<TrialSummary> members) {
    /** Config keys that vary between repeats of one configuration. */
    public static final List<String> MEMBER_KEYS = List.of("seed", "fold");

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public Group {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        members = List.copyOf(members);
    }

    public TrialRecord first() {
        return members.get(0).trial();
    }

    public int n() {
        return members.size();
    }

    public Stats stats(Metric metric) {
        return stats(m -> m.value(metric));
    }

    public Stats stats(Function<TrialSummary, Double> value) {
        return Stats.of(members.stream().map(value).toList());
    }

    /** The members' values of a config key (seeds, folds), space-separated. */
    public String memberValues(String key) {
        return members.stream().map(m -> m.trial().setting(key)).collect(Collectors.joining(" "));
    }

    /** Completed trials grouped by config without {@link #MEMBER_KEYS}, in plan order. */
    public static List<Group> of(List<TrialSummary> trials) {
        Map<String, List<TrialSummary>> byKey = new LinkedHashMap<>();
        Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
        for (TrialSummary t : trials) {
            if (t.trial().status() != TrialStatus.COMPLETED) {
                continue;
            }
            Map<String, Object> config = new TreeMap<>(t.trial().config());
            MEMBER_KEYS.forEach(config::remove);
            String id = hash(config);
            byKey.computeIfAbsent(id, k -> new ArrayList<>()).add(t);
            configs.putIfAbsent(id, config);
        }
        List<Group> groups = new ArrayList<>();
        byKey.forEach((id, members) -> groups.add(new Group(id, configs.get(id), members)));
        return groups;
    }

    /**
     * Named like trials: the short hash of the canonical (key-sorted, nested maps too) JSON of the
     * shared config; also what {@link Comparison} matches configurations of two directories by.
     */
    static String hash(Map<String, Object> config) {
        try {
            return ConfigHash.shortId(CANONICAL.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serialises", e);
        }
    }
}
