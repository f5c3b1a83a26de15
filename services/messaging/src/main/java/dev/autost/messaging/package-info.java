/**
 * Kafka plumbing shared by the AutoST services: topic names and their settings ({@link
 * dev.autost.messaging.Topics}, {@link dev.autost.messaging.TopicSpec}), safe topic creation
 * ({@link dev.autost.messaging.TopicAdmin}), client settings ({@link
 * dev.autost.messaging.KafkaClients}), the replaying service loop ({@link
 * dev.autost.messaging.ReplayingLoop}) and dead letters ({@link dev.autost.messaging.DeadLetters}).
 * The embedded broker lives in its own module ({@code services/broker}) so no service ships it.
 *
 * Every service runs one of the two loops on the {@link dev.autost.messaging.ServiceLoop}
 * lifecycle: {@link dev.autost.messaging.ReplayingLoop} (state rebuilt from compacted topics) or
 * {@link dev.autost.messaging.CommittingLoop} (a consumer-group worker, commit after
 * acknowledgement), deployed through {@link dev.autost.messaging.LoopVerticle}.
 *
 * <p>Contract: Vert.x appears only in {@code LoopVerticle}; the rest is kafka-clients and the
 * wire format. Values are immutable
 * records; helpers are stateless static methods or hold only what comes through their
 * constructor (no hidden clock).
 */
package dev.autost.messaging;
