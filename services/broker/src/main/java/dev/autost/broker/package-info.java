/**
 * A real Kafka broker (a combined KRaft node) inside this JVM, for the all-in-one
 * {@code autost} launcher and the integration tests ({@link dev.autost.broker.EmbeddedKafkaBroker}).
 *
 * <p>Its own module so that the broker jars (kafka_2.13, kafka-server and Scala) reach only the
 * CLI and tests, never a service image. Depends on nothing of AutoST. Not thread-safe: start and
 * close a broker from one thread.
 */
package dev.autost.broker;
