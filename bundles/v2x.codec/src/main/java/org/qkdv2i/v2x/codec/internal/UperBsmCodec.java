package org.qkdv2i.v2x.codec.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.codec.BsmCodec;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Stateless UPER Bsm codec, offered as a {@link BsmCodec} service. */
@Component(service = BsmCodec.class)
public final class UperBsmCodec implements BsmCodec {

    @Override
    public byte[] encode(Bsm message) {
        Objects.requireNonNull(message, "message");
        BitWriter w = new BitWriter();
        BsmUper.encodeFrame(w, message);
        return w.toByteArray();
    }

    @Override
    public DecodeResult<Bsm> decode(byte[] encoding) {
        return Decoding.run(encoding, "messageFrame", BsmUper::decodeFrame);
    }
}
