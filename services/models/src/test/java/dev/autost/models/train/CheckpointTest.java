package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file against what a shared or tampered checkpoint volume can hold. */
class CheckpointTest {
    private static final Checkpoint.Header HEADER = new Checkpoint.Header("model-a", 0, List.of(), Map.of("n1", 0.5));

    @Test
    void save_linksPlantedAtTheFileAndTheOldTempName_neitherTargetIsWritten(@TempDir Path dir) throws Exception {
        Path victim1 = Files.writeString(dir.resolve("victim1"), "keep");
        Path victim2 = Files.writeString(dir.resolve("victim2"), "keep");
        Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
        Files.createSymbolicLink(ckpt.resolve(Checkpoint.FILE), victim1);
        Files.createSymbolicLink(ckpt.resolve(Checkpoint.FILE + ".tmp"), victim2);

        Checkpoint.save(ckpt, HEADER, out -> out.writeInt(1), out -> out.writeInt(2));

        assertEquals("keep", Files.readString(victim1));
        assertEquals("keep", Files.readString(victim2));
        assertFalse(Files.isSymbolicLink(ckpt.resolve(Checkpoint.FILE)));
        Checkpoint.Header back = Checkpoint.load(ckpt, "model-a", in -> assertEquals(1, in.readInt()), in -> {
            assertEquals(2, in.readInt());
        });
        assertEquals(HEADER, back);
    }

    @Test
    void load_craftedReportCount_refusedAsCorruptWithoutAllocatingIt(@TempDir Path dir) throws Exception {
        writeRaw(dir, out -> {
            header(out, 1);
            out.writeInt(0); // no initial rates
            out.writeInt(Integer.MAX_VALUE); // reports
        });

        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, "model-a", in -> {}, in -> {}));
        assertTrue(e.getMessage().contains("corrupt checkpoint"), e.getMessage());
    }

    @Test
    void load_craftedRateCount_refusedAsCorrupt(@TempDir Path dir) throws Exception {
        writeRaw(dir, out -> {
            header(out, 1);
            out.writeInt(-5); // initial rates
        });

        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, "model-a", in -> {}, in -> {}));
        assertTrue(e.getMessage().contains("corrupt checkpoint"), e.getMessage());
    }

    private static void header(DataOutputStream out, int completed) throws IOException {
        out.writeInt(0x41535443);
        out.writeInt(1);
        out.writeUTF("model-a");
        out.writeInt(completed);
    }

    private static void writeRaw(Path dir, AtomicFile.Body body) throws IOException {
        AtomicFile.write(dir.resolve(Checkpoint.FILE), body);
    }
}
