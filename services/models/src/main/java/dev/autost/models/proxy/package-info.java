/** Training-free proxies measured on an untrained spiking model: NASWOT and SAHD kernels. */
package dev.autost.models.proxy;
