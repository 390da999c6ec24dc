package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One finished image.
 *
 * @param index the image's index in the request
 * @param png   base64 PNG
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageEvent(Integer index, String png) {
    public static final String EVENT = "image";
}
