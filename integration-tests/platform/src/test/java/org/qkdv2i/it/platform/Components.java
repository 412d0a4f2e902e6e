package org.qkdv2i.it.platform;

import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** What SCR says about components: used to prove a component was not restarted. */
public final class Components {

    private Components() {
    }

    /** Component configuration ID → state, for every configuration of the named component. */
    public static Map<Long, Integer> configurations(BundleContext context, String componentName) {
        ServiceComponentRuntime scr = TwoNodes.service(context, ServiceComponentRuntime.class, null);
        Map<Long, Integer> out = new TreeMap<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (componentName.equals(d.name)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    out.put(c.id, c.state);
                }
            }
        }
        return out;
    }
}
