package org.qkdv2i.console.internal;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself (bad URI, header too large, a handler failure) get an RFC 9457
 * problem body, never HTML and never a stack trace.
 */
final class ProblemErrorHandler extends ErrorHandler {

    private static final HttpField PROBLEM = new HttpField(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);

    ProblemErrorHandler() {
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
        byte[] body = Problem.body(code, null, null, null);
        response.getHeaders().put(PROBLEM);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(PROBLEM);
        return ByteBuffer.wrap(Problem.body(status, null, null, null));
    }
}
