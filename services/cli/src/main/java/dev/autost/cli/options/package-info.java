/**
 * The options several commands share, as picocli mixins declared once ({@link
 * dev.autost.cli.options.CommonOptions} for the small groups, {@link
 * dev.autost.cli.options.ModelOptions}, {@link dev.autost.cli.options.TrainerOptions} and
 * {@link dev.autost.cli.options.ApiOptions} for the larger), and the shared defaults ({@link
 * dev.autost.cli.options.Defaults}).
 *
 * <p>Contract: option names, defaults and help texts are what users, scripts and the deploy
 * manifests rely on. A group that commands use with different defaults takes them in its
 * constructor, so each command's help shows its own. Commands read the parsed values through
 * methods and pass them on as immutable values (records, {@code TrainerConfig}), never the
 * mixin itself.
 */
package dev.autost.cli.options;
