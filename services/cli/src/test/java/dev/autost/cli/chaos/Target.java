package dev.autost.cli.chaos;

/** What a chaos trial does to the cluster, and whether its experiment trains its winner. */
enum Target {
    SCORER("kill -9 scorer", ChaosCluster.Role.SCORER_A, false),
    SAMPLER("kill -9 sampler", ChaosCluster.Role.SAMPLER, false),
    EVALUATOR("kill -9 evaluator", ChaosCluster.Role.EVALUATOR, false),
    TRAINER("kill -9 trainer", ChaosCluster.Role.TRAINER, true),
    BROKER("kill -9 broker", ChaosCluster.Role.BROKER, false),
    EVERYTHING("SIGTERM all, restart", null, true);

    private final String label;
    private final ChaosCluster.Role killed;
    private final boolean trains;

    Target(String label, ChaosCluster.Role killed, boolean trains) {
        this.label = label;
        this.killed = killed;
        this.trains = trains;
    }

    String label() {
        return label;
    }

    /** The process killed with SIGKILL, or null when every process gets SIGTERM. */
    ChaosCluster.Role killed() {
        return killed;
    }

    /** Whether the trial's experiment trains its winner (then compared with the uninterrupted training). */
    boolean trains() {
        return trains;
    }
}
