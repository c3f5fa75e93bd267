package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostShareTest {
    static Definitions all;

    @BeforeAll
    static void load(@TempDir Path tmp) throws Exception {
        all = ScenarioTest.load(Path.of("src/test/resources/scenarios/_shared-services.xml"), "h1", tmp);
    }

    static List<String> vms(Definitions d) {
        return d.vms().stream().map(VmResource::node).toList();
    }

    static List<String> services(Definitions d) {
        return d.services().stream().map(Service::id).toList();
    }

    @Test
    void aHostPlansItsGuestsAndTheServicesItsLeadGuestsCarry() {
        Definitions h = HostShare.of(all, Set.of("guest1", "guest3"));
        assertEquals(List.of("guest1", "guest3"), vms(h));
        assertEquals(List.of("svc-a", "svc-b", "svc-c"), services(h));
        assertEquals(List.of("a-on-1", "b-on-3", "c-on-3", "vm-guest1-not-h2"),
                h.locations().stream().map(LocationRule::id).toList(), "svc-a may not go to guest2, held elsewhere");
        assertEquals(List.of("b-then-c"), h.orders().stream().map(OrderRule::id).toList());
    }

    @Test
    void aHostWithoutAPartsLeadRunsNoneOfItsServices() {
        Definitions h = HostShare.of(all, Set.of("guest2"));
        assertEquals(List.of("guest2"), vms(h));
        assertEquals(List.of(), services(h), "svc-a belongs to guest1's host");
        assertEquals(List.of(), h.orders());
        assertEquals(Definitions.empty("h1").vms(), HostShare.of(all, Set.of()).vms());
    }

    /** Over every way of spreading the three guests on three hosts: each guest and each service on one host. */
    @Test
    void everyGuestAndServiceBelongsToExactlyOneHost() {
        List<String> guests = all.guestNodes();
        for (int code = 0; code < 27; code++) {
            List<Set<String>> held = new ArrayList<>(List.of(new java.util.HashSet<>(), new java.util.HashSet<>(),
                    new java.util.HashSet<>()));
            int c = code;
            for (String g : guests) {
                held.get(c % 3).add(g);
                c /= 3;
            }
            Map<String, Integer> count = new HashMap<>();
            for (Set<String> h : held) {
                Definitions d = HostShare.of(all, h);
                vms(d).forEach(g -> count.merge(g, 1, Integer::sum));
                services(d).forEach(s -> count.merge(s, 1, Integer::sum));
                for (LocationRule l : d.locations()) {
                    if (guests.contains(l.node())) {
                        assertEquals(true, h.contains(l.node()), "a location on a guest held elsewhere: " + l);
                    }
                }
            }
            Map<String, Integer> once = new HashMap<>();
            guests.forEach(g -> once.put(g, 1));
            all.services().forEach(s -> once.put(s.id(), 1));
            assertEquals(once, count, "spread " + held);
        }
    }
}
