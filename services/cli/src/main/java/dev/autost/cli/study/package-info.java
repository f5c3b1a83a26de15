/**
 * {@code autost study}: trains a sample and evolution against random search through the
 * pipeline, and renders the outcome ({@link dev.autost.cli.study.StudyReport}).
 */
package dev.autost.cli.study;
