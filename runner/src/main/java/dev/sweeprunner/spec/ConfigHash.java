package dev.sweeprunner.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a canonical config JSON; its first hex digits name trials and groups of trials. */
public final class ConfigHash {
    /** 10 hex digits = 40 bits: a collision in a grid of thousands of trials is vanishingly unlikely. */
    public static final int SHORT_LENGTH = 10;

    private ConfigHash() {}

    public static String sha256Hex(String canonicalJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    public static String shortId(String canonicalJson) {
        return sha256Hex(canonicalJson).substring(0, SHORT_LENGTH);
    }
}
