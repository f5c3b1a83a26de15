package dev.autost.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process comparison gives the figures of the real services: the same arms, seed and
 * budget through the embedded broker, sampler, scorer, replay prober and trainer, and evaluator
 * ({@code --pipeline}) write the same table-compare.csv, row for row.
 */
class TableCompareIT {
    @Test
    void inProcess_andThroughTheRealServices_giveTheSameRows(@TempDir Path dir) throws Exception {
        Path table = SyntheticTable.write(dir);
        // model-lab's lab is one seed's random search, which one sampler of every run cannot isolate.
        String common = "study --compare --table " + table + " --seeds 1 --budgets 6 --population 8 --generations 2"
                + " --arms random,flops,sahd,calibrated,warmup,model,halving,tse";
        CliRun inProcess = CliRun.line(common + " --out " + dir.resolve("in-process"));
        assertEquals(0, inProcess.exitCode(), inProcess.err());
        CliRun services = CliRun.line(common + " --pipeline --out " + dir.resolve("services"));
        assertEquals(0, services.exitCode(), services.err());
        assertTrue(services.err().contains("through the real services"), services.err());
        String expected = Files.readString(dir.resolve("in-process/table-compare.csv"));
        assertEquals(1 + 8, expected.strip().split("\n").length, expected);
        assertEquals(expected, Files.readString(dir.resolve("services/table-compare.csv")));
    }
}
