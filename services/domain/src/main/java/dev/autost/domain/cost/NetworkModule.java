package dev.autost.domain.cost;

/**
 * Every module of the Spikformer/AutoST model that performs arithmetic, named as in
 * the trainer's model and in {@code autost explain}. Block modules are prefixed with
 * {@code blocks.<i>.} in reports; neuron modules double as names of the spike tensors
 * they emit (their firing rates weight the operations of the modules they feed).
 */
public enum NetworkModule {
    STEM_CONV1("stem.conv1", OpKind.CONV, true),
    STEM_BN1("stem.bn1", OpKind.BATCH_NORM, true),
    STEM_LIF1("stem.lif1", OpKind.NEURON, true),
    STEM_POOL1("stem.pool1", OpKind.MAX_POOL, true),
    STEM_CONV2("stem.conv2", OpKind.CONV, true),
    STEM_BN2("stem.bn2", OpKind.BATCH_NORM, true),
    STEM_LIF2("stem.lif2", OpKind.NEURON, true),
    STEM_POOL2("stem.pool2", OpKind.MAX_POOL, true),
    STEM_CONV3("stem.conv3", OpKind.CONV, true),
    STEM_BN3("stem.bn3", OpKind.BATCH_NORM, true),
    STEM_LIF3("stem.lif3", OpKind.NEURON, true),
    STEM_POOL3("stem.pool3", OpKind.MAX_POOL, true),
    STEM_CONV4("stem.conv4", OpKind.CONV, true),
    STEM_BN4("stem.bn4", OpKind.BATCH_NORM, true),
    STEM_LIF4("stem.lif4", OpKind.NEURON, true),
    STEM_POOL4("stem.pool4", OpKind.MAX_POOL, true),
    RPE_CONV("stem.rpe_conv", OpKind.CONV, true),
    RPE_BN("stem.rpe_bn", OpKind.BATCH_NORM, true),
    RPE_LIF("stem.rpe_lif", OpKind.NEURON, true),
    RPE_ADD("stem.rpe_add", OpKind.ADD, false),

    ATTN_IN_LIF("attn.in_lif", OpKind.NEURON, true),
    Q_LINEAR("attn.q_linear", OpKind.LINEAR, true),
    Q_BN("attn.q_bn", OpKind.BATCH_NORM, true),
    Q_LIF("attn.q_lif", OpKind.NEURON, true),
    K_LINEAR("attn.k_linear", OpKind.LINEAR, true),
    K_BN("attn.k_bn", OpKind.BATCH_NORM, true),
    K_LIF("attn.k_lif", OpKind.NEURON, true),
    V_LINEAR("attn.v_linear", OpKind.LINEAR, true),
    V_BN("attn.v_bn", OpKind.BATCH_NORM, true),
    V_LIF("attn.v_lif", OpKind.NEURON, true),
    QK_MATMUL("attn.qk_matmul", OpKind.MATMUL, false),
    ATTN_SCALE("attn.scale", OpKind.SCALE, false),
    AV_MATMUL("attn.av_matmul", OpKind.MATMUL, false),
    ATTN_LIF("attn.attn_lif", OpKind.NEURON, true),
    PROJ_LINEAR("attn.proj_linear", OpKind.LINEAR, true),
    PROJ_BN("attn.proj_bn", OpKind.BATCH_NORM, true),
    PROJ_LIF("attn.proj_lif", OpKind.NEURON, true),
    ATTN_RESIDUAL("attn.residual", OpKind.ADD, false),
    MLP_LIF1("mlp.lif1", OpKind.NEURON, true),
    FC1_LINEAR("mlp.fc1_linear", OpKind.LINEAR, true),
    FC1_BN("mlp.fc1_bn", OpKind.BATCH_NORM, true),
    MLP_LIF2("mlp.lif2", OpKind.NEURON, true),
    FC2_LINEAR("mlp.fc2_linear", OpKind.LINEAR, true),
    FC2_BN("mlp.fc2_bn", OpKind.BATCH_NORM, true),
    MLP_RESIDUAL("mlp.residual", OpKind.ADD, false),

    TOKEN_MEAN("head.token_mean", OpKind.MEAN, false),
    TIME_MEAN("head.time_mean", OpKind.MEAN, false),
    HEAD_LINEAR("head.linear", OpKind.LINEAR, true);

    private static final NetworkModule[] STEM_CONVS = {STEM_CONV1, STEM_CONV2, STEM_CONV3, STEM_CONV4};
    private static final NetworkModule[] STEM_BNS = {STEM_BN1, STEM_BN2, STEM_BN3, STEM_BN4};
    private static final NetworkModule[] STEM_LIFS = {STEM_LIF1, STEM_LIF2, STEM_LIF3, STEM_LIF4};
    private static final NetworkModule[] STEM_POOLS = {STEM_POOL1, STEM_POOL2, STEM_POOL3, STEM_POOL4};

    private final String label;
    private final OpKind kind;
    private final boolean countedBySyops;

    NetworkModule(String label, OpKind kind, boolean countedBySyops) {
        this.label = label;
        this.kind = kind;
        this.countedBySyops = countedBySyops;
    }

    /** Name within its block (or with its {@code stem.}/{@code head.} prefix). */
    public String label() {
        return label;
    }

    public OpKind kind() {
        return kind;
    }

    /** False for what the official syops counter never sees (matmuls, scale, adds, means). */
    public boolean countedBySyops() {
        return countedBySyops;
    }

    /** True for modules repeated in every transformer block. */
    public boolean inBlock() {
        return label.startsWith("attn.") || label.startsWith("mlp.");
    }

    /** Full name: {@code blocks.<i>.attn.q_linear}, {@code stem.conv1}, {@code head.linear}. */
    public String qualifiedName(int block) {
        return inBlock() ? "blocks." + block + "." + label : label;
    }

    static NetworkModule stemConv(int stage) {
        return STEM_CONVS[stage - 1];
    }

    static NetworkModule stemBn(int stage) {
        return STEM_BNS[stage - 1];
    }

    static NetworkModule stemLif(int stage) {
        return STEM_LIFS[stage - 1];
    }

    static NetworkModule stemPool(int stage) {
        return STEM_POOLS[stage - 1];
    }
}
