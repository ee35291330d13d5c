package dev.sweeprunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No Docker engine runs where we build, so the image is checked by reading it: its versions agree
 * with pom.xml, it points DJL at the libtorch it fetches, and the Kubernetes and Slurm examples
 * name the image and command docs/scale.md documents.
 */
class DockerImageTest {
    static final String IMAGE = "sweeprunner:cuda12.8";

    static Path repo(String relative) {
        return Path.of(System.getProperty("runner.repoRoot", "..")).resolve(relative);
    }

    static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(repo("pom.xml")));
        assertTrue(m.find(), name + " in pom.xml");
        return m.group(1).trim();
    }

    /** Every {@code ARG NAME=default} in the Dockerfile; a name declared twice must keep one default. */
    static Map<String, String> argDefaults(String dockerfile) {
        Map<String, String> args = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(dockerfile);
        while (m.find()) {
            String earlier = args.put(m.group(1), m.group(2));
            assertTrue(earlier == null || earlier.equals(m.group(2)), "ARG " + m.group(1) + " has two defaults");
        }
        return args;
    }

    @Test
    void dockerfileVersionsAgreeWithThePom() throws IOException {
        String dockerfile = Files.readString(repo("docker/Dockerfile"));
        Map<String, String> args = argDefaults(dockerfile);
        String pytorch = pomProperty("pytorch.version");
        String djl = pomProperty("djl.version");
        assertEquals(pytorch, args.get("PYTORCH_VERSION"));
        assertEquals(djl, args.get("DJL_VERSION"));
        assertEquals("cu128", args.get("PYTORCH_FLAVOR"));
        assertTrue(dockerfile.contains("FROM nvidia/cuda:12.8."), "CUDA 12.8 runtime base for cu128");
        assertTrue(dockerfile.contains("eclipse-temurin-17"), "built with Java 17");
        assertTrue(dockerfile.contains("openjdk-17-jre-headless"), "runs on Java 17");
        // PyTorch's official cu128 libtorch with the C++11 ABI, the build DJL's cu128 JNI links against
        assertTrue(dockerfile.contains("https://download.pytorch.org/libtorch/${PYTORCH_FLAVOR}/"
                + "libtorch-cxx11-abi-shared-with-deps-${PYTORCH_VERSION}%2B${PYTORCH_FLAVOR}.zip"));
        // the JNI library it extracts exists in the pytorch-jni jar this build depends on
        String jni = "jnilib/linux-x86_64/${PYTORCH_FLAVOR}/libdjl_torch.so";
        assertTrue(dockerfile.contains(jni));
        assertNotNull(getClass().getResource("/" + jni.replace("${PYTORCH_FLAVOR}", "cu128")),
                "pytorch-jni " + pytorch + "-" + djl + " ships a cu128 libdjl_torch.so");
        assertTrue(dockerfile.contains("pytorch-jni/${PYTORCH_VERSION}-${DJL_VERSION}/"
                + "pytorch-jni-${PYTORCH_VERSION}-${DJL_VERSION}.jar"));
    }

    @Test
    void runtimePointsDjlAtLibtorchOfflineAsANonRootUser() throws IOException {
        String dockerfile = Files.readString(repo("docker/Dockerfile"));
        for (String env : List.of("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib", "PYTORCH_VERSION=${PYTORCH_VERSION}",
                "PYTORCH_FLAVOR=${PYTORCH_FLAVOR}", "DJL_OFFLINE=true")) {
            assertTrue(dockerfile.contains(env), env);
        }
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
        assertTrue(user.find());
        assertFalse(List.of("root", "0").contains(user.group(1)), "runs as a non-root user");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/runner/entrypoint.sh\"]"));
        Path entrypoint = repo("docker/entrypoint.sh");
        assertTrue(Files.isExecutable(entrypoint));
        String script = Files.readString(entrypoint);
        assertTrue(script.contains("unset PYTORCH_LIBRARY_PATH"), "falls back to the CPU natives without a GPU");
        assertTrue(script.contains("RUNNER_JAR=${RUNNER_JAR:-/opt/runner/runner.jar}"));
        assertTrue(script.contains("-XX:TieredStopAtLevel=1 -jar \"$RUNNER_JAR\""));
    }

    /**
     * Any uid: the entrypoint puts HOME, caches and temporary files under $TMPDIR (docker/entrypoint-check.sh
     * runs it as another uid), the image sets nothing that points elsewhere, and no JVM option goes
     * through JAVA_TOOL_OPTIONS (every worker would print it).
     */
    @Test
    void theImageRunsAsAnyUidWithTheDataBakedIn() throws IOException {
        String dockerfile = Files.readString(repo("docker/Dockerfile"));
        String script = Files.readString(repo("docker/entrypoint.sh"));
        for (String variable : List.of("HOME", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "SWEEPRUNNER_CACHE_DIR")) {
            assertTrue(script.contains("export " + variable + "=\"$"), variable + " is set by the entrypoint");
            assertFalse(dockerfile.contains(variable + "="), variable + " is not fixed by the image");
        }
        assertTrue(script.contains("scratch=\"$TMPDIR/sweeprunner-$(id -u)\""), "per-uid scratch under $TMPDIR");
        assertTrue(script.contains("-Duser.home=\"$HOME\" -Djava.io.tmpdir=\"$TMPDIR\""));
        assertFalse(dockerfile.contains("JAVA_TOOL_OPTIONS") || script.contains("JAVA_TOOL_OPTIONS="));
        assertFalse(dockerfile.contains("chown"), "nothing in the image needs to belong to its user");
        // results/ (a volume): writable by any uid when nothing is mounted there
        assertTrue(dockerfile.contains("mkdir -p /work/results && chmod 1777 /work/results"));

        // the data set: fetched and verified by the runner at build time, decompressed, read-only
        assertTrue(dockerfile.contains("java -Dai.djl.offline=true -jar /tmp/runner.jar data \\"));
        assertTrue(dockerfile.contains("data --data-dir data/fashion-mnist"), "verified again after gunzip");
        assertTrue(dockerfile.contains("chmod 0444 data/fashion-mnist/* && chmod 0555 data/fashion-mnist"));
        assertTrue(dockerfile.contains("COPY --from=data /fetch/data/fashion-mnist " + BAKED_DATA));
        assertTrue(dockerfile.contains("FASHION_MNIST_DIR=" + BAKED_DATA));
        assertTrue(script.contains("FASHION_MNIST_DIR:-" + BAKED_DATA));

        // the commit it was built from: build arguments read by the provenance code
        for (String variable : List.of("SWEEPRUNNER_GIT_COMMIT", "SWEEPRUNNER_GIT_DIRTY")) {
            assertTrue(dockerfile.contains("ARG " + variable + "\n"), variable + " build argument");
            assertTrue(dockerfile.contains(variable + "=${" + variable + "}"), variable + " kept in the image");
        }
        assertEquals("SWEEPRUNNER_GIT_COMMIT", dev.sweeprunner.train.RunEnvironment.COMMIT_VARIABLE);
        assertEquals("SWEEPRUNNER_GIT_DIRTY", dev.sweeprunner.train.RunEnvironment.DIRTY_VARIABLE);
        String makefile = Files.readString(repo("Makefile"));
        assertTrue(makefile.contains("--build-arg SWEEPRUNNER_GIT_COMMIT=\"$$(git rev-parse HEAD)\""));
        assertTrue(makefile.contains("--build-arg SWEEPRUNNER_GIT_DIRTY="));
        assertTrue(makefile.contains("--user \"$$(id -u):$$(id -g)\""), "docker-sweep runs as the caller");
    }

    static final String BAKED_DATA = "/opt/fashion-mnist";

    static List<JsonNode> yamlDocuments(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var it = yaml.readerFor(JsonNode.class).readValues(repo(file).toFile())) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
        return docs;
    }

    /** The image's user id (useradd --uid N in the Dockerfile). */
    static int imageUid() throws IOException {
        Matcher m = Pattern.compile("useradd [^\\n]*--uid (\\d+)").matcher(Files.readString(repo("docker/Dockerfile")));
        assertTrue(m.find(), "the Dockerfile creates its user with a fixed uid");
        return Integer.parseInt(m.group(1));
    }

    /**
     * Both Kubernetes Jobs: the image's user and group, fsGroup so that a fresh (root-owned) volume
     * is writable, a read-only root filesystem with results/ and /tmp mounted (nothing else is
     * written), and the baked data set used as it is: no init step, download or data mount.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docker/k8s-indexed-job.yaml", "docker/k8s-report-job.yaml"})
    void kubernetesPodsWriteOnlyTheirVolumesAndShareTheBakedData(String file) throws IOException {
        JsonNode job = yamlDocuments(file).stream().filter(d -> d.path("kind").asText().equals("Job"))
                .findFirst().orElseThrow();
        JsonNode pod = job.path("spec").path("template").path("spec");
        JsonNode security = pod.path("securityContext");
        int uid = imageUid();
        assertEquals(uid, security.path("runAsUser").asInt(-1), "runAsUser");
        assertEquals(uid, security.path("runAsGroup").asInt(-1), "runAsGroup");
        assertEquals(uid, security.path("fsGroup").asInt(-1), "fsGroup: the volume is made writable for the group");
        assertTrue(security.path("runAsNonRoot").asBoolean());
        assertTrue(pod.path("initContainers").isMissingNode(), "no per-pod provisioning step");
        assertEquals(1, pod.path("containers").size());
        JsonNode container = pod.path("containers").get(0);
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertEquals(Map.of("/work/results", "results", "/tmp", "scratch"), mounts);
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        assertEquals("sweeprunner-results", volumes.get("results").path("persistentVolumeClaim").path("claimName").asText());
        assertFalse(volumes.get("scratch").path("emptyDir").isMissingNode(), "/tmp is per-pod scratch");
        container.path("env").forEach(e -> assertFalse(e.path("name").asText().equals("FASHION_MNIST_DIR")
                || e.path("name").asText().equals("FASHION_MNIST_URL"), "the baked data set is used"));
        container.path("args").forEach(a -> assertFalse(a.asText().equals("data") || a.asText().startsWith("--data-dir")
                || a.asText().startsWith("--base-url"), "no download: " + a));
        assertEquals(IMAGE, container.path("image").asText());
    }

    @Test
    void kubernetesManifestRunsTheDocumentedImageAndCommand() throws IOException {
        List<JsonNode> docs = yamlDocuments("docker/k8s-indexed-job.yaml");
        JsonNode job = docs.stream().filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow();
        JsonNode spec = job.path("spec");
        assertEquals("Indexed", spec.path("completionMode").asText());
        JsonNode container = spec.path("template").path("spec").path("containers").get(0);
        assertEquals(IMAGE, container.path("image").asText());
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertEquals(List.of("sweep", "experiments/table1.yaml", "--shard", "auto"), args);
        JsonNode count = container.path("env").get(0);
        assertEquals("SWEEP_SHARD_COUNT", count.path("name").asText());
        assertEquals(spec.path("completions").asText(), count.path("value").asText(), "count = completions");
        assertEquals(1, container.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("PersistentVolumeClaim")));

        String scaleDoc = Files.readString(repo("docs/scale.md"));
        assertTrue(scaleDoc.contains(IMAGE), "docs/scale.md names the image");
        assertTrue(scaleDoc.contains("sweep experiments/table1.yaml --shard auto"), "docs/scale.md names the command");
        assertTrue(scaleDoc.contains("kubectl apply -f docker/k8s-indexed-job.yaml"));
        assertTrue(Files.readString(repo("Makefile")).contains("IMAGE ?= " + IMAGE));
        String slurm = Files.readString(repo("docker/slurm-array.sh"));
        assertTrue(slurm.contains("#SBATCH --array=") && slurm.contains("--shard auto"));
        assertTrue(scaleDoc.contains("sbatch --parsable docker/slurm-array.sh"));
    }
}
