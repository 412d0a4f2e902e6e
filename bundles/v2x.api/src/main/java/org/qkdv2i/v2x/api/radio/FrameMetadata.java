package org.qkdv2i.v2x.api.radio;

import java.time.Instant;

/**
 * What the radio knows about a frame besides its bytes. Every component is optional
 * ({@code null} when unknown or not applicable). On {@link Radio#send send} the transmit
 * components are requests (channel, power, priority, sidelink parameters) that a back-end
 * honours where its hardware can; on reception the back-end fills in what it measured.
 *
 * @param channel IEEE 802.11 channel number (e.g. 180 for ITS-G5 CCH, 172 for the US
 *        safety channel) or the PC5 E-UTRA channel number (EARFCN)
 * @param centreFrequencyMhz the channel's centre frequency in MHz (e.g. 5900)
 * @param txPowerDbm transmit power in dBm (requested on send, used on receive if reported)
 * @param rssiDbm received signal strength in dBm (receive only)
 * @param timestamp transmit or receive time
 * @param userPriority IEEE 802.11 user priority 0..7 (EDCA access category, ITS-G5 only)
 * @param sidelink PC5 sidelink parameters (CV2X_PC5 only)
 */
public record FrameMetadata(Integer channel, Integer centreFrequencyMhz, Double txPowerDbm, Double rssiDbm,
        Instant timestamp, Integer userPriority, SidelinkParameters sidelink) {

    /** Nothing known. */
    public static final FrameMetadata NONE = new FrameMetadata(null, null, null, null, null, null, null);

    public FrameMetadata {
        if (userPriority != null && (userPriority < 0 || userPriority > 7)) {
            throw new IllegalArgumentException("user priority " + userPriority + " outside 0..7");
        }
        if (centreFrequencyMhz != null && centreFrequencyMhz <= 0) {
            throw new IllegalArgumentException("centre frequency must be positive");
        }
    }

    public FrameMetadata withChannel(Integer channelNumber, Integer frequencyMhz) {
        return new FrameMetadata(channelNumber, frequencyMhz, txPowerDbm, rssiDbm, timestamp, userPriority, sidelink);
    }

    public FrameMetadata withTxPowerDbm(Double dbm) {
        return new FrameMetadata(channel, centreFrequencyMhz, dbm, rssiDbm, timestamp, userPriority, sidelink);
    }

    public FrameMetadata withRssiDbm(Double dbm) {
        return new FrameMetadata(channel, centreFrequencyMhz, txPowerDbm, dbm, timestamp, userPriority, sidelink);
    }

    public FrameMetadata withTimestamp(Instant time) {
        return new FrameMetadata(channel, centreFrequencyMhz, txPowerDbm, rssiDbm, time, userPriority, sidelink);
    }

    public FrameMetadata withUserPriority(Integer up) {
        return new FrameMetadata(channel, centreFrequencyMhz, txPowerDbm, rssiDbm, timestamp, up, sidelink);
    }

    public FrameMetadata withSidelink(SidelinkParameters parameters) {
        return new FrameMetadata(channel, centreFrequencyMhz, txPowerDbm, rssiDbm, timestamp, userPriority, parameters);
    }
}
