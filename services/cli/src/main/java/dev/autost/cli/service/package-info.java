/**
 * The long-running commands and the one that reads what they wrote: {@code autost service}
 * (services for a cluster, the deployments' entry point), {@code autost serve} (services and the
 * HTTP API for a lab) and {@code autost report} (charts from the topics).
 */
package dev.autost.cli.service;
