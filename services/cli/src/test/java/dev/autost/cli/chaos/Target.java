package dev.autost.cli.chaos;

/** What a chaos trial does to the cluster, and what its experiment does (train its winner, wait for probes). */
enum Target {
    SCORER("kill -9 scorer", ChaosCluster.Role.SCORER_A, false),
    SAMPLER("kill -9 sampler", ChaosCluster.Role.SAMPLER, false),
    EVALUATOR("kill -9 evaluator", ChaosCluster.Role.EVALUATOR, false),
    TRAINER("kill -9 trainer", ChaosCluster.Role.TRAINER, true),
    BROKER("kill -9 broker", ChaosCluster.Role.BROKER, false),
    EVERYTHING("SIGTERM all, restart", null, true),
    /** A search on SAHD (measured by the prober), so that killing the prober stalls it. */
    PROBER("kill -9 prober", ChaosCluster.Role.PROBER, false);

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

    /** Whether the trial's search maximises a probe metric (SAHD), which only the prober measures. */
    boolean probes() {
        return this == PROBER;
    }

    /** Whether the trial's experiment trains its winner (then compared with the uninterrupted training). */
    boolean trains() {
        return trains;
    }
}
