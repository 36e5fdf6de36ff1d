package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {
    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void pngDecodesWithBothLines(@TempDir Path dir) throws Exception {
        for (boolean decaying : new boolean[] {true, false}) {
            List<Trainer.Epoch> eps = new ArrayList<>();
            for (int e = 1; e <= 20; e++) {
                double t = decaying ? Math.exp(-0.3 * e) : 0.5 + 0.01 * e;
                eps.add(new Trainer.Epoch(e, t, t * 1.3 + 0.01, 100, false));
            }
            Path png = dir.resolve("loss" + decaying + ".png");
            LossPlot.write(png, eps);
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(LossPlot.WIDTH);
            assertThat(img.getHeight()).isEqualTo(LossPlot.HEIGHT);
            // The legend swatches alone are under 100 pixels each; the lines add hundreds.
            assertThat(count(img, LossPlot.TRAIN)).as("training colour").isGreaterThan(300);
            assertThat(count(img, LossPlot.VALIDATION)).as("validation colour").isGreaterThan(300);
        }
    }

    @Test
    void oneEpochAndNonFiniteLossesStillDraw(@TempDir Path dir) throws Exception {
        LossPlot.write(dir.resolve("a.png"), List.of(new Trainer.Epoch(1, 0.2, Double.NaN, 1, true)));
        assertThat(ImageIO.read(dir.resolve("a.png").toFile()).getHeight()).isEqualTo(LossPlot.HEIGHT);
    }
}
