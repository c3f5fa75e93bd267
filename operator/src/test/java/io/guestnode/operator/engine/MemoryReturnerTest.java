package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryReturnerTest {
    private static final long MIB = 1L << 20;

    @Test
    void onlyMuchUnusedHeapIsWorthAFullCollection() {
        assertTrue(MemoryReturner.worthReturning(416 * MIB, 60 * MIB), "after a start storm: give it back");
        assertFalse(MemoryReturner.worthReturning(96 * MIB, 40 * MIB), "little slack: nothing to gain");
        assertFalse(MemoryReturner.worthReturning(400 * MIB, 300 * MIB), "mostly in use: a collection frees little");
    }
}
