/**
 * Surrogate models of trained accuracy: fitted on the results so far, they predict the accuracy
 * of untrained candidates with an uncertainty, so a search can choose its next training by an
 * acquisition rule. Plain Java (Apache Commons Math for the linear algebra).
 */
package dev.autost.domain.surrogate;
