package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainSpec;
import io.guestnode.operator.definitions.VmResource;

/** What the domain agent is told of a VM resource's domain. */
public final class DomainSpecs {
    private DomainSpecs() {
    }

    public static DomainSpec of(VmResource vm) {
        return new DomainSpec(vm.domain().hypervisor(), vm.domain().domainName(), vm.domain().configXml(),
                vm.domain().forceStop(), vm.domain().shutdownMode());
    }
}
