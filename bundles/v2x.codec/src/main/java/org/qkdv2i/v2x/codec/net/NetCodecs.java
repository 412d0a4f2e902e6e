package org.qkdv2i.v2x.codec.net;

import org.qkdv2i.v2x.codec.internal.net.BtpCodecImpl;
import org.qkdv2i.v2x.codec.internal.net.EthernetCodecImpl;
import org.qkdv2i.v2x.codec.internal.net.GeoNetworkingCodecImpl;
import org.qkdv2i.v2x.codec.internal.net.Pc5NonIpCodecImpl;
import org.qkdv2i.v2x.codec.internal.net.WsmpCodecImpl;

/** Codec instances for use outside an OSGi framework; inside one, take the services. */
public final class NetCodecs {
    private NetCodecs() {
    }

    public static GeoNetworkingCodec geoNetworking() {
        return new GeoNetworkingCodecImpl();
    }

    public static BtpCodec btp() {
        return new BtpCodecImpl();
    }

    public static WsmpCodec wsmp() {
        return new WsmpCodecImpl();
    }

    public static Pc5NonIpCodec pc5NonIp() {
        return new Pc5NonIpCodecImpl();
    }

    public static EthernetCodec ethernet() {
        return new EthernetCodecImpl();
    }
}
