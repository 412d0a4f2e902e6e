package org.qkdv2i.v2x.codec.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.codec.DenmCodec;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Stateless UPER Denm codec, offered as a {@link DenmCodec} service. */
@Component(service = DenmCodec.class)
public final class UperDenmCodec implements DenmCodec {

    @Override
    public byte[] encode(Denm message) {
        Objects.requireNonNull(message, "message");
        BitWriter w = new BitWriter();
        DenmUper.encode(w, message);
        return w.toByteArray();
    }

    @Override
    public DecodeResult<Denm> decode(byte[] encoding) {
        return Decoding.run(encoding, "denm", DenmUper::decode);
    }
}
