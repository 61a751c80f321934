#include "cli/mfa.hpp"

#include <fmt/format.h>

#include <charconv>
#include <memory>

#include "app/credential_service.hpp"
#include "app/user_key.hpp"
#include "crypto/totp.hpp"
#include "platform/interrupt.hpp"
#include "prompt/prompt.hpp"
#include "shell/qr.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

std::string device_type(const std::string& serial) {
    return serial.starts_with("arn:") && serial.find(":mfa/") != std::string::npos ? "virtual" : "hardware";
}

/// The codes of two consecutive 30-second steps, as IAM wants them, within ±2 steps of now.
bool consecutive_codes_match(const Secret& key, const Secret& first, const Secret& second, TimePoint now) {
    for (int step = -2; step <= 2; ++step) {
        TimePoint t = now + std::chrono::seconds(30 * step);
        if (totp_matches(key, first, t, 0) && totp_matches(key, second, t + std::chrono::seconds(30), 0))
            return true;
    }
    return false;
}

QrInk pick_ink(const std::string& choice, const Env& env) {
    if (choice == "dark") return QrInk::dark_modules;
    if (choice == "light") return QrInk::light_modules;
    // COLORFGBG="15;0" (light text on a dark background) is set by many terminals.
    if (auto fgbg = env.get("COLORFGBG")) {
        auto bg = fgbg->substr(fgbg->find_last_of(';') + 1);
        int n = 0;
        std::from_chars(bg.data(), bg.data() + bg.size(), n);
        if (n == 7 || n == 15) return QrInk::dark_modules;
    }
    return QrInk::light_modules;
}

/// CreateVirtualMFADevice's EntityAlreadyExists: a device of the user's name is left from an
/// earlier setup (one killed with SIGKILL, or made by hand); says how to delete it.
Error leftover_device_hint(Error e, const IamUser& user, const std::string& profile) {
    if (e.message.find("EntityAlreadyExists") == std::string::npos) return e;
    auto arn = split(user.arn, ':');
    const std::string serial = fmt::format("arn:{}:iam::{}:mfa/{}", arn.size() > 4 ? arn[1] : "aws",
                                           arn.size() > 4 ? arn[4] : "ACCOUNT", user.user_name);
    e.hint = fmt::format(
        "a virtual MFA device named \"{}\" exists, probably left by an earlier mfa-setup that was stopped. "
        "If your app does not use it, delete it, then run sesame mfa-setup {} again: aws iam "
        "delete-virtual-mfa-device --serial-number {} (if it is enabled, first: aws iam "
        "deactivate-mfa-device "
        "--user-name {} --serial-number {})",
        user.user_name, profile, serial, user.user_name, serial);
    return e;
}

}  // namespace

CommandRun declare_mfa_devices(CommandFlags& flags) {
    auto profile = std::make_shared<std::string>();
    flags.positional("profile", *profile,
                     "Profile (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
    flags.example("Example: sesame mfa-devices alice");
    return
        [profile](Context& ctx, const std::vector<std::string>&) { return run_mfa_devices(*profile, ctx); };
}

CommandRun declare_mfa_setup(CommandFlags& flags) {
    auto options = std::make_shared<MfaSetupOptions>();
    flags.required_positional("profile", options->profile, "Profile of the IAM user");
    flags.option("--qr", options->qr_ink, "INK",
                 "auto, light or dark: the terminal's text colour, so the QR code scans",
                 {"auto", "light", "dark"});
    flags.example("Example: sesame mfa-setup alice --qr dark");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_mfa_setup(*options, ctx); };
}

Result<int> run_mfa_devices(const std::string& profile_arg, Context& ctx) {
    auto key = user_key(ctx, pick_profile(ctx, profile_arg));
    if (!key) return std::unexpected(key.error());
    auto iam = ctx.iam(key->profile);
    if (!iam) return std::unexpected(iam.error());
    // The user's name, explicitly: IAM infers it from the key, but emulators (moto) do not.
    auto user = (*iam)->get_user(key->credentials);
    if (!user) return std::unexpected(user.error());
    auto devices = (*iam)->list_mfa_devices(key->credentials, user->user_name);
    if (!devices) return std::unexpected(devices.error());
    if (devices->empty()) {
        ctx.out(fmt::format("No MFA devices. Create one with: sesame mfa-setup {}\n", key->profile.name));
        return 0;
    }
    std::string text = fmt::format("{:<60}  {:<8}  {}\n", "SERIAL", "TYPE", "ENABLED");
    for (const auto& d : *devices)
        text += fmt::format("{:<60}  {:<8}  {}\n", d.serial_number, device_type(d.serial_number),
                            d.enable_date ? format_rfc3339(*d.enable_date) : "-");
    ctx.out(text);
    return 0;
}

void discover_mfa_serial(const std::string& profile, const Credentials& key, Context& ctx) {
    if (!ctx.mfa_serial_of(profile).empty()) return;
    auto config = ctx.config();
    if (!config) return;
    ProfileConfig p;
    p.name = profile;
    if (const IniSection* s = (*config)->profile(profile))
        if (const IniValue* r = s->find("region")) p.region = r->value;
    auto iam = ctx.iam(p);
    Result<std::vector<MfaDevice>> devices = std::unexpected(Error{});
    if (!iam) {
        devices = std::unexpected(iam.error());
    } else if (auto user = (*iam)->get_user(key); !user) {
        devices = std::unexpected(user.error());
    } else {
        devices = (*iam)->list_mfa_devices(key, user->user_name);
    }
    if (!devices) {
        ctx.log().warn("could not look up MFA devices: " + devices.error().message);
        return;
    }
    if (devices->empty()) {
        ctx.out(fmt::format("No MFA device found for this user; create one with: sesame mfa-setup {}\n",
                            profile));
        return;
    }
    std::string serial;
    if (devices->size() == 1) {
        serial = devices->front().serial_number;
    } else {
        std::string list;
        for (size_t i = 0; i < devices->size(); ++i)
            list += fmt::format("  {}. {}\n", i + 1, (*devices)[i].serial_number);
        ctx.prompt().tell("This user has several MFA devices:\n" + list);
        auto answer = ctx.prompt().ask(
            fmt::format("Which one should profile \"{}\" use? [1-{}] ", profile, devices->size()));
        size_t pick = 0;
        if (answer) std::from_chars(answer->data(), answer->data() + answer->size(), pick);
        if (!answer || pick < 1 || pick > devices->size()) {
            ctx.out(fmt::format("Several MFA devices; mfa_serial not set. Set one in [profile {}]:\n{}",
                                profile, list));
            return;
        }
        serial = (*devices)[pick - 1].serial_number;
    }
    if (auto set = set_config_key(ctx, profile, "mfa_serial", serial); !set) {
        ctx.log().warn("could not write mfa_serial: " + set.error().message);
        return;
    }
    ctx.out(fmt::format("Set mfa_serial = {} for profile \"{}\" in {}\n", serial, profile,
                        (*config)->paths().config));
}

Result<int> run_mfa_setup(const MfaSetupOptions& options, Context& ctx) {
    auto key = user_key(ctx, options.profile);
    if (!key) return std::unexpected(key.error());
    auto iam_r = ctx.iam(key->profile);
    if (!iam_r) return std::unexpected(iam_r.error());
    Iam& iam = **iam_r;
    auto user = iam.get_user(key->credentials);
    if (!user) return std::unexpected(user.error());
    if (user->user_name.empty()) return fail("mfa-setup is for IAM users; this key belongs to the root user");
    // Before anything exists in IAM: a device made without a terminal to finish it on is waste.
    if (!ctx.prompt().can_ask())
        return fail("mfa-setup needs a terminal: it shows a QR code and reads two codes from your app",
                    "run it in a terminal; nothing was created");

    // From here until the device is enabled or deleted, Ctrl-C, SIGTERM and SIGHUP stop the
    // command only once it has deleted the device again.
    InterruptScope interrupts;
    auto device = iam.create_virtual_mfa_device(key->credentials, user->user_name);
    if (!device)
        return std::unexpected(leftover_device_hint(std::move(device.error()), *user, key->profile.name));
    const std::string serial = device->serial_number;
    // From here on, every way out that does not enable the device deletes it again.
    auto abandon = [&](Error why) -> Result<int> {
        auto deleted = iam.delete_virtual_mfa_device(key->credentials, serial);
        if (!deleted) {
            why.message += fmt::format(" (and the unfinished device {} could not be deleted: {})", serial,
                                       deleted.error().message);
            why.hint =
                fmt::format("delete it with: aws iam delete-virtual-mfa-device --serial-number {}", serial);
        } else {
            why.message += fmt::format(" (the unfinished device {} was deleted)", serial);
        }
        return std::unexpected(std::move(why));
    };
    auto interrupted = [&] { return cancelled("mfa-setup", 128 + interrupts.take()); };
    if (interrupts.take() != 0) return abandon(interrupted());
    auto unanswered = [&](Error e) {
        if (is_cancel(e)) return abandon(std::move(e));
        return abandon(Error{"no terminal to read the MFA codes from", "run mfa-setup in a terminal"});
    };

    auto seed = base32_decode(device->base32_seed);
    if (!seed) return abandon(seed.error());
    std::string account = split(user->arn, ':').size() > 4 ? split(user->arn, ':')[4] : "";
    auto qr =
        render_qr(otpauth_uri("Amazon Web Services", user->user_name + "@" + account, device->base32_seed),
                  pick_ink(options.qr_ink, ctx.env()));
    ctx.prompt().tell(
        fmt::format("Scan this with your authenticator app (virtual MFA device {}):\n", serial));
    if (qr)
        ctx.prompt().tell(qr->reveal());
    else
        ctx.log().warn(qr.error().message);
    ctx.prompt().tell("Or enter this secret by hand: " + device->base32_seed.reveal() + "\n");

    for (int attempt = 1;; ++attempt) {
        auto first = ctx.prompt().ask("Enter a code from the app: ");
        if (!first) return unanswered(std::move(first.error()));
        auto second = ctx.prompt().ask("Wait for the next code and enter it: ");
        if (!second) return unanswered(std::move(second.error()));
        Secret c1(std::string(trim(*first))), c2(std::string(trim(*second)));
        if (consecutive_codes_match(*seed, c1, c2, ctx.clock().now())) {
            if (interrupts.take() != 0) return abandon(interrupted());
            // Enabling is one call: the device is then finished, and what remains (the config
            // line) is done before a signal that came meanwhile takes effect.
            auto enabled = iam.enable_mfa_device(key->credentials, {user->user_name, serial, c1, c2});
            if (!enabled) return abandon(enabled.error());
            break;
        }
        if (attempt == 3) {
            return abandon(Error{"the codes did not match the device's secret three times",
                                 "check the phone's clock, then run sesame mfa-setup again"});
        }
        ctx.prompt().tell("Those are not two consecutive codes for this device; try again.");
    }
    ctx.out(fmt::format("Enabled virtual MFA device {} for user {}\n", serial, user->user_name));
    auto set = set_config_key(ctx, key->profile.name, "mfa_serial", serial);
    if (!set)
        return fail(fmt::format("the device is enabled, but the config could not be updated: {}",
                                set.error().message),
                    fmt::format("add mfa_serial = {} to [profile {}] by hand", serial, key->profile.name));
    ctx.out(fmt::format("Set mfa_serial = {} for profile \"{}\"\n", serial, key->profile.name));
    return 0;
}

}  // namespace sesame
