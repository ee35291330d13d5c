package dev.sweeprunner.cli;

import dev.sweeprunner.data.DatasetLocator;
import dev.sweeprunner.data.FashionMnist;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "data", description = "Find, verify (SHA-256 of the decompressed files) or download Fashion-MNIST.")
final class DataCommand implements Callable<Integer> {
    @Mixin
    DataOptions options;

    @Override
    public Integer call() {
        DatasetLocator.Found found = options.locate(null);
        FashionMnist data = FashionMnist.load(found.dir(), true);
        System.out.printf("%s (%s): verified, %d training and %d test images%n", found.dir().toAbsolutePath(),
                found.source(), data.trainCount(), data.testCount());
        return 0;
    }
}
