package dev.autost.models.train;

/**
 * DJL settings a trainer JVM needs, applied unless set already: never download at run time
 * (the CPU libtorch comes from the pytorch-native-cpu jar), the PyTorch version and flavour of
 * that jar, one intra-op thread (fastest on 2 shared cores, per the platform notes). DJL reads
 * these from system properties or the environment.
 */
public final class DjlSettings {
    private DjlSettings() {}

    public static void applyDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("PYTORCH_VERSION", "2.7.1");
        setIfAbsent("PYTORCH_FLAVOR", "cpu");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
