package dev.autost.models.data;

import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datasets a trainer can train on, loaded once per worker and cut to the configured
 * limits. Names: {@code fashion-mnist} (28x28x1, 10 classes), {@code cifar10} and
 * {@code cifar100} (32x32x3; need the data directory). Thread-safe.
 */
public final class Datasets {
    /** A train/test pair and the input geometry its models use. */
    public record Loaded(
            ImageDataset train, ImageDataset test, int imageSize, int channels, int classes, boolean augment) {
        /** The model setting for this data: its geometry and classes, patch 4. */
        public ModelSetting setting(Backbone backbone, int timeSteps) {
            return new ModelSetting(
                    backbone, imageSize, channels, 4, classes, timeSteps, ModelSetting.OFFICIAL.syopsBatch());
        }
    }

    private final Optional<Path> dataDir;
    private final int limitTrain;
    private final int limitTest;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();

    /**
     * @param dataDir    where the files are, or empty for the standard locations
     * @param limitTrain keep the first N training images (0 = all)
     * @param limitTest  keep the first N test images (0 = all)
     */
    public Datasets(Optional<Path> dataDir, int limitTrain, int limitTest) {
        this.dataDir = dataDir;
        this.limitTrain = limitTrain;
        this.limitTest = limitTest;
    }

    /**
     * @throws IllegalArgumentException for an unknown name or missing data, naming what is missing
     */
    public Loaded get(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private Loaded load(String name) {
        Loaded l = switch (name) {
            case "fashion-mnist" ->
                new Loaded(FashionMnist.load(dataDir, true), FashionMnist.load(dataDir, false), 28, 1, 10, false);
            case "cifar10" -> cifar(Cifar.Variant.CIFAR10, 10);
            case "cifar100" -> cifar(Cifar.Variant.CIFAR100, 100);
            default ->
                throw new IllegalArgumentException(
                        "unknown dataset '" + name + "' (expected fashion-mnist, cifar10 or cifar100)");
        };
        ImageDataset train = limitTrain > 0 ? l.train().limit(limitTrain) : l.train();
        ImageDataset test = limitTest > 0 ? l.test().limit(limitTest) : l.test();
        return new Loaded(train, test, l.imageSize(), l.channels(), l.classes(), l.augment());
    }

    private Loaded cifar(Cifar.Variant variant, int classes) {
        Path dir = requireDir(variant == Cifar.Variant.CIFAR10 ? "cifar10" : "cifar100");
        return new Loaded(Cifar.load(variant, dir, true), Cifar.load(variant, dir, false), 32, 3, classes, true);
    }

    private Path requireDir(String name) {
        return dataDir.orElseThrow(() ->
                new IllegalArgumentException(name + " needs --data-dir (its binary files cannot be downloaded here)"));
    }
}
