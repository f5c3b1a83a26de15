package dev.autost.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobAttemptsTest {

    @Test
    void begin_withoutEnd_countsEveryEarlierStart(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("exp").resolve("abc");

        assertEquals(0, new JobAttempts(job).begin());
        assertEquals(1, new JobAttempts(job).begin()); // the first process died
        assertEquals(2, new JobAttempts(job).begin());
    }

    @Test
    void end_afterBegin_clearsTheCount(@TempDir Path dir) throws Exception {
        JobAttempts attempts = new JobAttempts(dir);
        attempts.begin();
        attempts.end();

        assertFalse(Files.exists(dir.resolve(JobAttempts.FILE)));
        assertEquals(0, attempts.begin());
    }

    @Test
    void begin_countFileIsALink_replacesTheLinkNotItsTarget(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("elsewhere.txt");
        Files.writeString(target, "keep");
        Path job = Files.createDirectories(dir.resolve("job"));
        Files.createSymbolicLink(job.resolve(JobAttempts.FILE), target);

        assertEquals(0, new JobAttempts(job).begin());

        assertEquals("keep", Files.readString(target));
        assertFalse(Files.isSymbolicLink(job.resolve(JobAttempts.FILE)));
    }

    @Test
    void begin_garbledCount_startsFromZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(JobAttempts.FILE), "not a number");

        assertEquals(0, new JobAttempts(dir).begin());
    }
}
