package io.guestnode.agents.remote.tls;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.bouncycastle.tls.CipherSuite;

/** Names for cipher suite numbers, read from BouncyCastle's constants. */
final class CipherSuiteNames {
    private CipherSuiteNames() {
    }

    static String name(int suite) {
        for (Field f : CipherSuite.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    if (f.getInt(null) == suite) {
                        return f.getName();
                    }
                } catch (IllegalAccessException e) {
                    break;
                }
            }
        }
        return String.format("0x%04x", suite);
    }
}
