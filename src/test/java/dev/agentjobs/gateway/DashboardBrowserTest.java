package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentjobs.simulator.JobDurations;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs; the driver path is set, so Selenium never downloads one): log in, submit a prompt,
 * watch it turn active then completed with its PR link without a reload, across a gateway restart mid-job.
 */
class DashboardBrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private GatewayHarness h;
    private WebDriver driver;

    @BeforeEach
    void start() {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "needs Debian's chromium and chromium-driver (.ci/run installs them: apt-get install chromium"
                        + " chromium-driver)");
        h = new GatewayHarness(JobDurations.fixed(Duration.ofSeconds(6)), b -> b);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (h != null) {
                h.close();
            }
        }
    }

    @Test
    void logIn_submit_seeActiveThenCompletedWithItsPrLink_acrossAGatewayRestart() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        driver.get(h.base() + "/");
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        token.sendKeys(GatewayHarness.TOKEN);
        driver.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("conn"), "live"));
        // Set once: had the page reloaded, this would be gone.
        ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true;");

        driver.findElement(By.id("prompt")).sendKeys("Document the /health endpoint");
        driver.findElement(By.id("submit")).click();
        By job = By.cssSelector("#jobs li.job");
        wait.until(ExpectedConditions.attributeToBe(job, "data-status", "active"));
        String jobId = driver.findElement(job).getAttribute("data-job-id");
        assertThat(driver.findElement(By.cssSelector("#jobs li.job .badge")).getText()).isEqualToIgnoringCase("active");

        h.restartGateway();
        wait.until(d -> Integer.parseInt(d.findElement(By.id("conn")).getAttribute("data-connects")) >= 2);
        wait.until(ExpectedConditions.textToBe(By.id("conn"), "live"));

        wait.until(ExpectedConditions.attributeToBe(job, "data-status", "completed"));
        WebElement pr = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#jobs li.job a.pr")));
        assertThat(pr.getAttribute("href")).contains("/pull/");
        assertThat(driver.findElement(job).getAttribute("data-job-id")).isEqualTo(jobId);
        assertThat(driver.findElements(job)).hasSize(1);
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true;"))
                .isEqualTo(true);
        assertThat(h.sim.stats().creates()).isEqualTo(1);

        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", "dashboard.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isGreaterThan(5_000);

        // Usable on a phone: nothing wider than the screen, the follow-up box still there.
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth;"));
        assertThat(driver.findElement(By.cssSelector("#jobs li.job .follow-up input")).isDisplayed()).isTrue();
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target", "dashboard-phone.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
