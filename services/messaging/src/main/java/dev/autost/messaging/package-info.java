/**
 * Kafka plumbing shared by the AutoST services: topic names and their settings ({@link
 * dev.autost.messaging.Topics}, {@link dev.autost.messaging.TopicSpec}), safe topic creation
 * ({@link dev.autost.messaging.TopicAdmin}), dead letters ({@link
 * dev.autost.messaging.DeadLetters}) and an in-process broker for tests and the all-in-one
 * launcher ({@link dev.autost.messaging.EmbeddedKafkaBroker}).
 *
 * <p>Contract: no Vert.x and no domain types here; only kafka-clients, the broker jar and the
 * wire format. Values are immutable records; helpers are stateless static methods or hold
 * only what comes through their constructor (no hidden clock). {@code EmbeddedKafkaBroker} is
 * not thread-safe: start and close it from one thread.
 */
package dev.autost.messaging;
