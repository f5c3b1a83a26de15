/**
 * The AutoST domain: plain Java with no messaging or web framework, shared by every
 * service and the CLI. {@link dev.autost.domain.AutostException} is the base of every
 * deliberate error.
 */
package dev.autost.domain;
