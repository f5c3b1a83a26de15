package dev.autost.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    @Test
    void parse_sizesWithUnits_areBinaryMultiples() {
        assertEquals(6L << 30, MemoryBudget.parse("6g"));
        assertEquals(6L << 30, MemoryBudget.parse("6GiB"));
        assertEquals(6L << 30, MemoryBudget.parse("6 GB"));
        assertEquals(1536L << 20, MemoryBudget.parse("1536m"));
        assertEquals(3L << 29, MemoryBudget.parse("1.5g"));
        assertEquals(0, MemoryBudget.parse("0"));
    }

    @Test
    void parse_auto_isMostOfTheVisibleMemory() {
        long auto = MemoryBudget.parse("auto");
        assertTrue(auto > 0 && auto < MemoryBudget.visibleMemory(), "auto = " + auto);
    }

    @Test
    void parse_garbage_isRefusedNamingTheForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse("lots"));
        assertTrue(e.getMessage().contains("'lots'") && e.getMessage().contains("6g"), e.getMessage());
    }
}
