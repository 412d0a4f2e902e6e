package org.qkdv2i.zap.api;

/** What kind of device a DAU belongs to (paper Figure 2 and 4). */
public enum DeviceRole {
    /** Rooftop base station: a QKD trusted node and the DAU-N at the top of the V2I path. */
    BASE_STATION,
    /** Road-side unit: DAU-N towards its base station, DAU-V towards vehicles. */
    RSU,
    /** A vehicle's on-board unit: DAU-V. */
    VEHICLE,
    /** An SDN controller or operator station. */
    CONTROLLER
}
