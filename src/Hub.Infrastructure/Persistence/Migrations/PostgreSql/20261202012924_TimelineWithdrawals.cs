using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class TimelineWithdrawals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Withdrawn",
                table: "timeline",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "WithdrawsTouchpointId",
                table: "timeline",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_timeline_WithdrawsTouchpointId",
                table: "timeline",
                column: "WithdrawsTouchpointId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_timeline_WithdrawsTouchpointId",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "Withdrawn",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "WithdrawsTouchpointId",
                table: "timeline");
        }
    }
}
