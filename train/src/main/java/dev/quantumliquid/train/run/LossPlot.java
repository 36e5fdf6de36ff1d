package dev.quantumliquid.train.run;

import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.train.TrainException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * loss.png: training and validation loss per epoch (headless AWT): axes with ticks, labels, two
 * lines with point markers and a legend. The y axis is logarithmic when every loss is positive and
 * they span more than a factor of 10.
 */
public final class LossPlot {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    public static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    public static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private LossPlot() {
    }

    /** Draws the epochs' losses (normalised MSE); writes the PNG to path by temp file and rename. */
    public static void write(Path path, List<Trainer.Epoch> epochs) {
        write(path, epochs, "normalised MSE");
    }

    /** As {@link #write(Path, List)}, with the loss's name on the y axis. */
    public static void write(Path path, List<Trainer.Epoch> epochs, String lossName) {
        BufferedImage img = draw(epochs, lossName);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new TrainException(path + ": cannot encode the loss plot (" + e.getMessage() + ")", e);
        }
        try {
            AtomicFiles.write(path, bytes.toByteArray());
        } catch (RuntimeException e) {
            throw new TrainException(path + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    static BufferedImage draw(List<Trainer.Epoch> epochs) {
        return draw(epochs, "normalised MSE");
    }

    static BufferedImage draw(List<Trainer.Epoch> epochs, String lossName) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // no display needed (servers, CI)
        }
        int n = epochs.size();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Trainer.Epoch e : epochs) {
            for (double v : new double[] {e.trainLoss(), e.validationLoss()}) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        boolean log = lo > 0 && hi / lo > 10;
        double y0;
        double y1;
        if (log) {
            y0 = Math.floor(Math.log10(lo));
            y1 = Math.ceil(Math.log10(hi));
        } else {
            y0 = Math.min(0, lo);
            y1 = hi > y0 ? hi * 1.05 : y0 + 1;
        }
        int x0 = 1;
        int x1 = Math.max(2, n);

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            // Grid and ticks.
            g.setStroke(new BasicStroke(1f));
            int yTicks = log ? (int) (y1 - y0) : 5;
            for (int i = 0; i <= yTicks; i++) {
                double v = y0 + (y1 - y0) * i / yTicks;
                int py = TOP + ph - (int) Math.round(ph * (v - y0) / (y1 - y0));
                g.setColor(new Color(0xe6, 0xe6, 0xe6));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.BLACK);
                g.drawLine(LEFT - 5, py, LEFT, py);
                String s = log ? String.format(Locale.ROOT, "1e%d", (int) v) : String.format(Locale.ROOT, "%.3g", v);
                g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
            int step = Math.max(1, (int) Math.ceil((x1 - x0) / 10.0));
            for (int ep = x0; ep <= x1; ep += step) {
                int px = LEFT + (int) Math.round(pw * (double) (ep - x0) / (x1 - x0));
                g.setColor(Color.BLACK);
                g.drawLine(px, TOP + ph, px, TOP + ph + 5);
                String s = Integer.toString(ep);
                g.drawString(s, px - fm.stringWidth(s) / 2, TOP + ph + 8 + fm.getAscent());
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            // Labels and title.
            Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 14);
            g.setFont(bold);
            FontMetrics bm = g.getFontMetrics();
            String title = "loss per epoch";
            g.drawString(title, LEFT + (pw - bm.stringWidth(title)) / 2, TOP - 14);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics lm = g.getFontMetrics();
            g.drawString("epoch", LEFT + (pw - lm.stringWidth("epoch")) / 2, HEIGHT - 15);
            String ylab = log ? lossName + " (log scale)" : lossName;
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(ylab, -(TOP + (ph + lm.stringWidth(ylab)) / 2), 20);
            g.setTransform(saved);
            // The two lines.
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setClip(LEFT, TOP, pw + 1, ph + 1);
            for (int series = 0; series < 2; series++) {
                g.setColor(series == 0 ? TRAIN : VALIDATION);
                g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                int prevX = Integer.MIN_VALUE;
                int prevY = 0;
                for (int i = 0; i < n; i++) {
                    Trainer.Epoch e = epochs.get(i);
                    double v = series == 0 ? e.trainLoss() : e.validationLoss();
                    if (!Double.isFinite(v) || (log && v <= 0)) {
                        prevX = Integer.MIN_VALUE;
                        continue;
                    }
                    double f = log ? (Math.log10(v) - y0) / (y1 - y0) : (v - y0) / (y1 - y0);
                    int px = LEFT + (int) Math.round(pw * (double) (e.epoch() - x0) / (x1 - x0));
                    int py = TOP + ph - (int) Math.round(ph * f);
                    if (prevX != Integer.MIN_VALUE) {
                        g.drawLine(prevX, prevY, px, py);
                    }
                    g.fillOval(px - 3, py - 3, 7, 7);
                    prevX = px;
                    prevY = py;
                }
            }
            g.setClip(null);
            // Legend, top right inside the plot.
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            String[] names = {"training", "validation"};
            int lw = 40 + Math.max(lm.stringWidth(names[0]), lm.stringWidth(names[1])) + 12;
            int lx = LEFT + pw - lw - 10;
            int ly = TOP + 10;
            g.setColor(Color.WHITE);
            g.fillRect(lx, ly, lw, 46);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(lx, ly, lw, 46);
            for (int i = 0; i < 2; i++) {
                int yy = ly + 15 + 20 * i;
                g.setColor(i == 0 ? TRAIN : VALIDATION);
                g.setStroke(new BasicStroke(2.5f));
                g.drawLine(lx + 8, yy, lx + 32, yy);
                g.setColor(Color.BLACK);
                g.drawString(names[i], lx + 40, yy + lm.getAscent() / 2 - 1);
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
