package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Checks on a rendered report page. */
final class HtmlAssertions {
    private static final Pattern PNG = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    private HtmlAssertions() {
    }

    /** Decodes every embedded PNG, checks it is a whole chart image, and returns them. */
    static List<BufferedImage> charts(String html) {
        List<BufferedImage> images = new ArrayList<>();
        Matcher m = PNG.matcher(html);
        while (m.find()) {
            try {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
                assertNotNull(img, "embedded image is not a readable PNG");
                assertEquals(Plot.WIDTH, img.getWidth());
                assertEquals(Plot.HEIGHT, img.getHeight());
                images.add(img);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return images;
    }

    /** Self-contained: no scripts and no resource loaded from elsewhere. */
    static void selfContained(String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(html).find(), "no external resources");
    }

    static void containsAll(String html, String... fragments) {
        for (String f : fragments) {
            assertTrue(html.contains(f), "expected '" + f + "' in the report");
        }
    }
}
