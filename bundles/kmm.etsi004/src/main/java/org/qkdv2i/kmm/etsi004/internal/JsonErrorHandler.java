package org.qkdv2i.kmm.etsi004.internal;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Errors Jetty raises before our handler runs get a JSON body with the status reason, never HTML or a trace. */
final class JsonErrorHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE,
            MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());

    JsonErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        if (code == 204 || code == 304) {
            callback.succeeded();
            return;
        }
        byte[] body = Etsi004Json.error(reason(code));
        response.getHeaders().put(JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(Etsi004Json.error(reason(status)));
    }

    private static String reason(int code) {
        String r = HttpStatus.getMessage(code);
        return r == null ? "HTTP " + code : r.toLowerCase(java.util.Locale.ROOT);
    }
}
