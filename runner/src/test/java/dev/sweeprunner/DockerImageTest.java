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
        assertTrue(script.contains("exec java -XX:TieredStopAtLevel=1 -jar /opt/runner/runner.jar"));
    }

    @Test
    void kubernetesManifestRunsTheDocumentedImageAndCommand() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var it = yaml.readerFor(JsonNode.class).readValues(repo("docker/k8s-indexed-job.yaml").toFile())) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
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
        assertEquals("/work/results", container.path("volumeMounts").get(0).path("mountPath").asText());
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
