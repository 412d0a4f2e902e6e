package org.qkdv2i.v2x.cv2x.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.v2x.itsg5.internal.stack.TickScheduler;

/**
 * The threads on which every C-V2X PC5 stack of this framework ticks (PID
 * {@code org.qkdv2i.v2x.cv2x.Scheduler}, configuration optional): issue 8's city runs about
 * 500 of these stacks (the other half: v2x.itsg5) in one JVM, which used to mean 500 threads waking 20 times a second each.
 * Private to the bundle (its class is in no exported package); the stack components reference it
 * statically, so a changed {@code threads} restarts the stacks. Delayed: it exists while a stack
 * uses it.
 */
@Designate(ocd = Cv2xScheduler.Config.class)
@Component(configurationPid = Cv2xScheduler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = Cv2xScheduler.class)
public final class Cv2xScheduler {
    public static final String PID = "org.qkdv2i.v2x.cv2x.Scheduler";

    @ObjectClassDefinition(name = "V2X C-V2X PC5 stack scheduler", description = "Threads shared by all PC5 "
            + "stacks of this framework for their periodic checks (CAM/BSM generation, DENM repetition)")
    @interface Config {
        @AttributeDefinition(name = "Threads", description = "threads for all stacks' ticks; a tick takes "
                + "microseconds (signing a CAM ~0.1 ms), so 1 serves a thousand stacks", min = "1", max = "64")
        int threads() default 1;
    }

    private final TickScheduler scheduler;

    @Activate
    public Cv2xScheduler(Config config) {
        scheduler = new TickScheduler("v2x-cv2x-tick", config.threads());
    }

    /** For tests and stand-alone use. */
    Cv2xScheduler(int threads) {
        scheduler = new TickScheduler("v2x-cv2x-tick", threads);
    }

    TickScheduler scheduler() {
        return scheduler;
    }

    @Deactivate
    void deactivate() {
        scheduler.close();
    }
}
